/** What every view gets and gives back. */
import type { Report, ReportLayer, SampleDetail } from '../../src/core/report/types';
import type { Exporter } from './figure';
import type { ReportUiState } from './types';

export interface ViewContext {
  readonly report: Report;
  readonly state: ReportUiState;
  /** The selected layer (undefined only for a report without layers). */
  readonly layer: ReportLayer | undefined;
  /** The selected sample's detail, when the report kept any. */
  readonly sample: SampleDetail | undefined;
  readonly exporter: Exporter;
  /** Selects a layer from inside a view (linked selection). */
  selectLayer(id: string): void;
  /** Changes view-specific UI state (e.g. image maps per slot or per expert). */
  setState(change: Partial<ReportUiState>): void;
}

export interface View {
  readonly element: HTMLElement;
  /** Draws what needs the element in the document (heatmaps read the theme where they are). */
  mount?(): void;
  /** Shows a new selection in place; returns false when the view must be rebuilt instead. */
  update?(context: ViewContext): boolean;
  dispose(): void;
}
