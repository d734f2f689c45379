/**
 * The public shapes of MoE Scope's report views: what a host (the VS Code panel, the standalone HTML
 * page, a test page) gives `renderReport`, and the handle it gets back. The views never talk to
 * VS Code themselves; everything leaves through these callbacks.
 */
import type { ExportFormat } from '../../src/protocol/webview';

/** The views, in tab order. */
export const VIEW_IDS = ['overview', 'routing', 'inputs', 'classes', 'specialization'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

/** What the views remember across reloads: which view, layer and sample are shown. */
export interface ReportUiState {
  view: ViewId;
  layer: string;
  sample: number;
  /** Image maps: one per slot, or one per expert (its slots summed). */
  maps: 'slots' | 'experts';
}

/** A file to save: PNG bytes or CSV text made here, or the whole report (JSON, HTML) made by the host. */
export interface ExportRequest {
  format: ExportFormat;
  fileName: string;
  data?: Uint8Array | string;
}

export interface ReportHost {
  /** UI state to start from (e.g. PanelState.ui); anything that does not fit the report is ignored. */
  state?: Readonly<Record<string, unknown>>;
  /** Called whenever the UI state changes, to be persisted. */
  onState?(state: ReportUiState): void;
  onExport?(request: ExportRequest): void;
  /** Whole-report exports to offer (default: both); PNG and CSV are offered whenever onExport is set. */
  reportExports?: readonly ('json' | 'html')[];
  /** Called with the initial selection and whenever the layer or sample changes. */
  onSelect?(layer: string, sample: number): void;
  /** Offered for layers whose source location is known. */
  onGoToSource?(layer: string): void;
  /** Offered as "Refresh" (run the analysis again) and "Other inputs…" (pick inputs, then run). */
  onRefresh?(pickInputs: boolean): void;
}

export interface ReportHandle {
  /** Moves the selection to a layer and/or sample (unknown ones are ignored). */
  reveal(layer?: string, sample?: number): void;
  /** The current UI state. */
  state(): ReportUiState;
  /** Removes everything the views added and stops their observers. */
  dispose(): void;
}
