import type { PanelState, ToPanel } from '../../../src/protocol/webview';

/**
 * What the report views' test page (reportPage.ts) offers the browser test through
 * `window.reportPage`. Types only, shared by the page (DOM) and the test (Node).
 */

export type Rgba = [number, number, number, number];

export interface CssBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An export the views asked the host to save: PNG bytes (as numbers), CSV text, or a bare request. */
export interface RecordedExport {
  format: string;
  fileName: string;
  bytes?: number[];
  text?: string;
}

export interface ChartSummary {
  type: string;
  labels: string[];
  datasets: { label: string; data: number[] }[];
}

export interface ReportPageApi {
  /** Draws the report given as JSON text (as the CLI writes it), starting from `state`. */
  load(json: string, state?: Record<string, unknown>): { views: string[] };
  /** Removes the report; counts the canvases left in the page. */
  dispose(): number;
  reveal(layer?: string, sample?: number): void;
  state(): Record<string, unknown>;
  /** Everything the views sent the host so far. */
  exports(): RecordedExport[];
  selections(): [string, number][];
  states(): Record<string, unknown>[];
  /** Heatmap figures in the visible view, by their data-figure name. */
  figures(): string[];
  /** Resolves once the named heatmap figure is laid out (its canvas has a size). */
  ready(figure: string): Promise<void>;
  /** The display pixel at the centre of a cell of a heatmap figure. */
  pixelAtCell(figure: string, row: number, col: number): Rgba;
  /** The pixel just left of cell (row, 0): the plot's frame, drawn in the theme's border colour. */
  framePixel(figure: string, row: number): Rgba;
  /** A cell of a heatmap figure, in page CSS pixels. */
  cellBoxInPage(figure: string, row: number, col: number): CssBox;
  /** The colour range a heatmap figure uses. */
  range(figure: string): { min: number; max: number };
  tooltipText(figure: string): string | null;
  /** A pixel of an image-view canvas (data-map name), in image pixels. */
  mapPixel(map: string, x: number, y: number): Rgba;
  mapNames(): string[];
  /** Token chips of the text view: per row, each chip's text and background. */
  tokenRows(): { layer: string; tokens: { text: string; background: string }[] }[];
  /** The Chart.js charts of the visible view, by their data-chart name. */
  charts(): Record<string, ChartSummary>;
  /** Resolves when the named chart has drawn pixels. */
  chartDrawn(name: string): Promise<boolean>;
  /** Switches to VS Code's high-contrast theme (body class, as the panel receives it). */
  useHighContrast(): void;
  useLight(): void;
  violations(): string[];
  errors(): string[];
}

/** What the analysis panel's test page (reportPanelHost.ts) offers as `window.panelHost`. */
export interface PanelHostApi {
  /** Sends a host message; a report is given as JSON text and revived to typed arrays first. */
  send(message: ToPanel | { type: 'report'; json: string; stale?: boolean }): void;
  /** Everything the panel posted to the host. */
  posted(): unknown[];
  /** What the panel persisted with setState. */
  state(): PanelState | undefined;
}
