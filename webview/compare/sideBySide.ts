/**
 * Heatmaps of A, B and B − A side by side, linked: A and B share one colour range (the same colour
 * is the same value on both sides), the difference is centred at 0 on the diverging map, the cell
 * under the pointer or keyboard cursor is ringed in all of them, and scrolling one scrolls the
 * others (proportionally, when A and B route different numbers of tokens).
 */
import { el } from '../shared/dom';
import { figureHeatmap, heatmapFigure, type HeatmapFigure } from '../report/heatmapFigure';
import type { Exporter } from '../report/figure';
import { note } from '../report/figure';
import type { Grid } from './matrices';

export interface SidePart {
  title: string;
  /** Names the figure (data-figure) and its export files. */
  name: readonly string[];
  grid: Grid;
  rowLabels: readonly string[];
  colLabels: readonly string[];
  /** The B − A view: diverging colours centred at 0. */
  difference?: boolean;
  note?: string;
}

export interface SideBySideOptions {
  rowName: string;
  colName: string;
  /** CSS px per row; the plot is at least 40 px high. */
  rowHeight: number;
  onSelect?: (row: number, col: number) => void;
}

export interface SideBySide {
  readonly element: HTMLElement;
  mount(): void;
  dispose(): void;
}

/** [min, max] of the finite values of the grids: the range A and B share. */
export function sharedRange(grids: readonly Grid[]): { min: number; max: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const grid of grids) {
    for (const v of grid.values) {
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min <= max ? { min, max } : undefined;
}

export function sideBySide(
  exporter: Exporter,
  parts: readonly SidePart[],
  options: SideBySideOptions,
): SideBySide {
  const range = sharedRange(parts.filter((p) => !p.difference).map((p) => p.grid));
  const scrollers: HTMLElement[] = [];
  const figures: HeatmapFigure[] = [];
  const ring = (from: number, row: number, col: number): void => {
    figures.forEach((figure, i) => {
      const handle = figureHeatmap(figure.element);
      const grid = parts[i]!.grid;
      if (i !== from && handle && row < grid.rows && col < grid.cols) handle.highlight(row, col);
    });
  };
  parts.forEach((part, i) => {
    const figure = heatmapFigure(
      exporter,
      part.title,
      part.name,
      {
        values: part.grid.values,
        rows: part.grid.rows,
        cols: part.grid.cols,
        rowLabels: part.rowLabels,
        colLabels: part.colLabels,
        rowName: options.rowName,
        colName: options.colName,
        height: Math.max(40, Math.round(part.grid.rows * options.rowHeight)),
        ...(part.difference ? { colormap: 'diverging' as const } : (range ?? {})),
        onHover: (cell) => cell && ring(i, cell.row, cell.col),
        onSelect: (row, col) => {
          ring(i, row, col);
          options.onSelect?.(row, col);
        },
      },
      part.note ? note(part.note) : null,
    );
    figures.push(figure);
  });
  // The heatmap holders scroll; the figure heading and notes stay put.
  for (const figure of figures) {
    const holder = figure.element.querySelector<HTMLElement>('.heatmap-holder');
    if (!holder) continue;
    holder.classList.add('linked-scroll');
    scrollers.push(holder);
  }
  let syncing = false;
  const onScroll = (source: HTMLElement): void => {
    if (syncing) return;
    syncing = true;
    const span = source.scrollHeight - source.clientHeight;
    const share = span > 0 ? source.scrollTop / span : 0;
    for (const other of scrollers) {
      if (other !== source) other.scrollTop = share * Math.max(0, other.scrollHeight - other.clientHeight);
    }
    // Setting scrollTop fires the others' scroll events on the next frame: ignore those.
    requestAnimationFrame(() => (syncing = false));
  };
  for (const scroller of scrollers) scroller.addEventListener('scroll', () => onScroll(scroller));
  return {
    element: el('div', { class: 'side-by-side' }, ...figures.map((f) => f.element)),
    mount: () => figures.forEach((f) => f.mount()),
    dispose: () => figures.forEach((f) => f.dispose()),
  };
}
