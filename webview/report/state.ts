/**
 * The views' UI state: read back from whatever a host persisted (it may come from an older version
 * or another report), checked against the report at hand, and filled with defaults.
 */
import type { Report } from '../../src/core/report/types';
import { VIEW_IDS, type ReportUiState, type ViewId } from './types';

/** The views this report has something for. The overview and routing views are always there. */
export function availableViews(report: Report): ViewId[] {
  const samples = report.perSample ?? [];
  return VIEW_IDS.filter((view) => {
    switch (view) {
      case 'inputs':
        return samples.some((s) => s.image || s.tokens);
      case 'classes':
        return report.layers.some(
          (l) => l.summary.classLoad || (l.summary.kind === 'topk' && l.summary.coActivation.length > 0),
        );
      case 'specialization':
        return !!report.specialization && report.specialization.curves.length > 0;
      default:
        return true;
    }
  });
}

/** A valid state for `report`, keeping what `raw` says where it still applies. */
export function readUiState(
  raw: Readonly<Record<string, unknown>> | undefined,
  report: Report,
): ReportUiState {
  const views = availableViews(report);
  const layers = report.layers.map((l) => l.id);
  const samples = report.perSample?.length ?? 0;
  const view = views.find((v) => v === raw?.view) ?? 'overview';
  const layer = layers.find((id) => id === raw?.layer) ?? layers[0] ?? '';
  const wanted = raw?.sample;
  const sample =
    typeof wanted === 'number' && Number.isInteger(wanted) && wanted >= 0 && wanted < samples ? wanted : 0;
  const maps = raw?.maps === 'experts' ? 'experts' : 'slots';
  return { view, layer, sample, maps };
}
