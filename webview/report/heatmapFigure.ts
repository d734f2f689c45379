/**
 * A heatmap with its heading and exports: PNG of the drawn canvas, CSV of the very values drawn, with
 * the same row and column labels.
 */
import { renderHeatmap, type HeatmapHandle, type HeatmapOptions } from '../heatmap';
import { el } from '../shared/dom';
import { matrixCsv } from './csv';
import { figure, type Exporter } from './figure';

const drawn = new WeakMap<Element, HeatmapHandle>();

/** The heatmap in a figure made by heatmapFigure, for a host or test that reads its cells back. */
export function figureHeatmap(figure: Element): HeatmapHandle | undefined {
  return drawn.get(figure);
}

/**
 * A figure whose heatmap is drawn by `mount()`, once the figure is in the document: the renderer
 * reads the theme (colours, font) from where it is placed, which a detached element does not have.
 */
export interface HeatmapFigure {
  readonly element: HTMLElement;
  mount(): void;
  dispose(): void;
}

/**
 * `options` as renderHeatmap takes them (the title goes in the heading); row and column labels are
 * required here, since they head the CSV.
 */
export function heatmapFigure(
  exporter: Exporter,
  title: string,
  name: readonly string[],
  options: Omit<HeatmapOptions, 'title'> & { rowLabels: readonly string[]; colLabels: readonly string[] },
  ...notes: (Node | null)[]
): HeatmapFigure {
  const holder = el('div', { class: 'heatmap-holder' });
  let handle: HeatmapHandle | undefined;
  const element = figure(
    exporter,
    title,
    {
      name,
      png: () => {
        if (!handle) throw new Error('the heatmap is not drawn yet');
        return handle.canvas;
      },
      csv: () =>
        matrixCsv(
          options.values,
          options.rows,
          options.cols,
          options.rowLabels,
          options.colLabels,
          `${options.rowName ?? 'row'} \\ ${options.colName ?? 'column'}`,
        ),
    },
    holder,
    ...notes,
  );
  element.classList.add('heatmap-figure');
  element.dataset.figure = name.join('-');
  return {
    element,
    mount() {
      if (handle) return;
      handle = renderHeatmap(holder, { ...options, title: undefined });
      drawn.set(element, handle);
      // The heading names the figure; screen readers get the same name on the canvas.
      const label = handle.canvas.getAttribute('aria-label') ?? '';
      handle.canvas.setAttribute('aria-label', label.replace(/^Heatmap/, title));
    },
    dispose: () => handle?.dispose(),
  };
}
