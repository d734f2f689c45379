/**
 * What the heatmap test page (heatmapPage.ts) offers the browser test through `window.heatmapPage`.
 * Types only, shared by the page (DOM) and the test (Node).
 */

export type Rgba = [number, number, number, number];

/** A heatmap to draw; values as plain numbers (NaN allowed), turned into a Float32Array by the page. */
export interface PageHeatmapSpec {
  values: number[];
  rows: number;
  cols: number;
  rowLabels?: string[];
  colLabels?: string[];
  rowName?: string;
  colName?: string;
  colGroups?: { size: number; labels?: string[] };
  scale?: 'linear' | 'log';
  colormap?: 'viridis' | 'magma' | 'diverging';
  min?: number;
  max?: number;
  title?: string;
  /** Width of the heatmap's container in CSS px. */
  width: number;
}

export interface CssBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface HeatmapPageApi {
  /** Replaces the current heatmap with a new one. */
  render(spec: PageHeatmapSpec): void;
  /** Gives the current heatmap new values of the same shape. */
  update(values: number[]): void;
  /** Disposes the current heatmap; counts what of it is left in the page. */
  dispose(): { figures: number; canvases: number };
  /**
   * Draws a seeded random rows × cols matrix in [0, 1), over `range` or its measured range, and
   * returns the milliseconds from the call to the end of the next frame.
   */
  renderRandom(rows: number, cols: number, width: number, range?: [number, number]): Promise<number>;
  /** The values of given cells of the current heatmap, as the renderer reads them (float32). */
  valuesAt(cells: [number, number][]): number[];
  /** Three heatmaps side by side: tokens × slots, a difference view and a log-scale view with gaps. */
  renderGallery(): void;
  setContainerWidth(width: number): void;
  /** The display canvas pixel at the centre of a cell. */
  pixelAtCell(row: number, col: number): Rgba;
  /** A display canvas pixel, in device pixels. */
  pixel(x: number, y: number): Rgba;
  /** An overlay (focus ring) pixel, in device pixels. */
  overlayPixel(x: number, y: number): Rgba;
  cellColor(row: number, col: number): Rgba;
  cellBox(row: number, col: number): CssBox;
  /** The display canvas in page CSS pixels, and its backing-store size. */
  canvasInfo(): { box: CssBox; width: number; height: number; dpr: number };
  highlighted(): { row: number; col: number } | null;
  selections(): [number, number][];
  lastHover(): { row: number; col: number; value: number } | null;
  tooltipText(): string | null;
  liveText(): string;
  /** Switches the page to VS Code's high-contrast theme variables and body class. */
  useHighContrast(): void;
  /** Content-Security-Policy violations the page has seen. */
  violations(): string[];
}
