/**
 * MoE Scope's report views: `renderReport(root, report, host)` draws a report (layer overview,
 * per-sample routing, image and text inputs, classes × experts, specialization) into `root`. The
 * same code runs in the VS Code panel, in the standalone HTML report and on the test page.
 */
export { figureHeatmap } from './heatmapFigure';
export { renderReport } from './reportView';
export { availableViews, readUiState } from './state';
export { VIEW_IDS } from './types';
export type { ExportRequest, ReportHandle, ReportHost, ReportUiState, ViewId } from './types';
