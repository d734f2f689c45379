/**
 * A figure of a view: a heading, its export buttons (PNG for what is drawn, CSV for the numbers) and
 * its content. File names are bare names built from the model, layer and sample.
 */
import { el } from '../shared/dom';
import { button } from './controls';
import { backgroundColor, canvasPng, opaque } from './png';
import type { ExportRequest } from './types';

export interface Exporter {
  /** The model's file name without extension: the start of every export's file name. */
  readonly base: string;
  readonly send?: (request: ExportRequest) => void;
}

/** A bare file name: parts joined by "-", anything but letters, digits and "._-" replaced by "_". */
export function exportName(exporter: Exporter, parts: readonly string[], extension: string): string {
  const stem = [exporter.base, ...parts].map((p) => p.replace(/[^\w.-]+/g, '_')).join('-');
  return `${stem.slice(0, 200)}.${extension}`;
}

export interface FigureExports {
  /** What the file is named after, besides the model: e.g. ['blocks.2.mlp', 'combine', 's0']. */
  name: readonly string[];
  /** The canvas to save (drawn over the theme background). */
  png?: () => HTMLCanvasElement | Promise<HTMLCanvasElement>;
  csv?: () => string;
}

/** The PNG/CSV buttons for one figure, or nothing when the host takes no exports. */
export function exportTools(exporter: Exporter, what: string, exports: FigureExports): HTMLElement | null {
  const send = exporter.send;
  if (!send || (!exports.png && !exports.csv)) return null;
  const tools = el('div', { class: 'figure-tools' });
  if (exports.png) {
    const png = exports.png;
    tools.append(
      button('PNG', `Save ${what} as PNG`, () => {
        void (async () => {
          const canvas = await png();
          const data = await canvasPng(opaque(canvas, backgroundColor(tools)));
          send({ format: 'png', fileName: exportName(exporter, exports.name, 'png'), data });
        })().catch((error: unknown) => console.error(`MoE Scope: PNG export failed: ${String(error)}`));
      }),
    );
  }
  if (exports.csv) {
    const csv = exports.csv;
    tools.append(
      button('CSV', `Save ${what} as CSV`, () =>
        send({ format: 'csv', fileName: exportName(exporter, exports.name, 'csv'), data: csv() }),
      ),
    );
  }
  return tools;
}

/** A section with a heading row (title, export buttons) and content. */
export function figure(
  exporter: Exporter,
  title: string,
  exports: FigureExports | null,
  ...content: (Node | null)[]
): HTMLElement {
  const tools = exports ? exportTools(exporter, title.toLowerCase(), exports) : null;
  return el(
    'section',
    { class: 'figure', 'aria-label': title },
    el('div', { class: 'figure-head' }, el('h3', {}, title), tools),
    ...content,
  );
}

/** A note under a figure: what the numbers mean or why something is missing. */
export function note(text: string): HTMLElement {
  return el('p', { class: 'muted note' }, text);
}
