/** The public shapes of MoE Scope's heatmap renderer. */
import type { ColormapName, Rgba } from './colormaps';
import type { ScaleName } from './colorScale';

export type { ColormapName, Rgba, ScaleName };

/**
 * Cells grouped along an axis, e.g. Soft MoE slots grouped by expert: a separator is drawn between
 * groups, and `labels` (one per group) name them under the axis and in the tooltip.
 */
export interface AxisGroups {
  /** Cells per group: a separator after every `size` rows or columns. */
  readonly size: number;
  readonly labels?: readonly string[];
}

/** One cell as the pointer or the keyboard reached it. */
export interface HeatmapCell {
  readonly row: number;
  readonly col: number;
  readonly value: number;
}

export interface HeatmapOptions {
  /** rows × cols values, row-major (cell (r, c) is values[r * cols + c]). NaN marks a missing value. */
  values: Float32Array;
  rows: number;
  cols: number;
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  /** What a row and a column are, for the tooltip and screen readers ("token", "slot"). */
  rowName?: string;
  colName?: string;
  /** A group size, or a size with group labels. */
  rowGroups?: number | AxisGroups;
  colGroups?: number | AxisGroups;
  scale?: ScaleName;
  /** The colour range; measured from the values when left out (see autoRange). */
  min?: number;
  max?: number;
  /** 'diverging' is for difference views: blue below 0, red above, neutral at 0. */
  colormap?: ColormapName;
  title?: string;
  /** Height of the plot area in CSS pixels; by default about square cells, within 120–480 px. */
  height?: number;
  /** The cell under the pointer or the keyboard cursor, or null when there is none. */
  onHover?: (cell: HeatmapCell | null) => void;
  /** A click or Enter/Space on a cell. */
  onSelect?: (row: number, col: number) => void;
}

/** A cell's rectangle in CSS pixels, relative to the heatmap's canvas. */
export interface CellBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface HeatmapHandle {
  /** The focusable canvas the matrix is drawn on. */
  readonly canvas: HTMLCanvasElement;
  /** Redraws with new values of the same shape (the colour range is re-measured unless fixed). */
  update(values: Float32Array): void;
  /** Removes the heatmap from its container and stops observing size, theme and input. */
  dispose(): void;
  /** The colour the lookup table gave cell (row, col), as written into the image. */
  cellColor(row: number, col: number): Rgba;
  /** Where cell (row, col) is drawn, in CSS pixels relative to the canvas. */
  cellBox(row: number, col: number): CellBox;
  /** The colour range in use. */
  range(): { min: number; max: number };
  /** The keyboard cursor / selected cell, or null. */
  highlighted(): { row: number; col: number } | null;
  /** Moves the highlight (e.g. to restore a panel's saved selection); does not call onSelect. */
  highlight(row: number, col: number): void;
}
