/**
 * Per-sample routing of the selected layer: Soft MoE dispatch and combine weights (tokens × slots,
 * slots grouped by expert) and the Algorithm 1 expert scores; top-k and expert-choice router
 * probabilities with the experts actually chosen; SMEAR's one routing vector per example.
 */
import type { ReportLayer, SampleDetail, SampleLayer } from '../../src/core/report/types';
import { el } from '../shared/dom';
import { note } from './figure';
import { expertLabels, sampleText } from './format';
import { heatmapFigure, type HeatmapFigure } from './heatmapFigure';
import { chosenWeights, floatValues } from './routing';
import { tokenLabels } from './tokens';
import type { View, ViewContext } from './view';

function softMoe(context: ViewContext, layer: ReportLayer, sample: SampleDetail, detail: SampleLayer) {
  const figures: HeatmapFigure[] = [];
  const wide: HeatmapFigure[] = [];
  const sampleName = `s${sample.index}`;
  const n = layer.experts;
  for (const which of ['dispatch', 'combine'] as const) {
    const m = detail[which];
    if (!m) continue;
    const p = layer.slotsPerExpert ?? Math.max(1, Math.round(m.cols / n));
    const grouped = p * n === m.cols && p > 1;
    figures.push(
      heatmapFigure(
        context.exporter,
        which === 'dispatch' ? 'Dispatch weights (tokens × slots)' : 'Combine weights (tokens × slots)',
        [layer.id, which, sampleName],
        {
          values: floatValues(m),
          rows: m.rows,
          cols: m.cols,
          rowLabels: tokenLabels(sample, m.rows),
          colLabels: Array.from({ length: m.cols }, (_, s) =>
            grouped ? `s${s}` : `s${s} (e${Math.floor(s / p)})`,
          ),
          rowName: 'token',
          colName: 'slot',
          colGroups: grouped ? { size: p, labels: expertLabels(n) } : undefined,
        },
        note(
          which === 'dispatch'
            ? 'Each slot’s input is a weighted average of the tokens: every column sums to 1.'
            : 'Each token’s output is a weighted average of the slot outputs: every row sums to 1.',
        ),
      ),
    );
  }
  if (detail.expertScores) {
    wide.push(
      heatmapFigure(
        context.exporter,
        'Expert scores (combine mass per expert)',
        [layer.id, 'expert-scores', sampleName],
        {
          values: Float32Array.from(detail.expertScores),
          rows: 1,
          cols: detail.expertScores.length,
          rowLabels: [`#${sample.index}`],
          colLabels: expertLabels(detail.expertScores.length),
          rowName: 'sample',
          colName: 'expert',
          height: 36,
        },
        note('Algorithm 1 ranks experts by these scores and keeps the top k (expert-subset specialization).'),
      ),
    );
  }
  return { figures, wide };
}

function tokenChoice(context: ViewContext, layer: ReportLayer, sample: SampleDetail, detail: SampleLayer) {
  const probs = detail.probs!;
  const sampleName = `s${sample.index}`;
  const rowLabels = tokenLabels(sample, probs.rows);
  const colLabels = expertLabels(probs.cols);
  const smear = layer.kind === 'smear';
  const figures = [
    heatmapFigure(
      context.exporter,
      smear ? 'Routing probabilities (one per example)' : 'Router probabilities (tokens × experts)',
      [layer.id, 'probs', sampleName],
      {
        values: floatValues(probs),
        rows: probs.rows,
        cols: probs.cols,
        rowLabels: smear ? [`#${sample.index}`] : rowLabels,
        colLabels,
        rowName: smear ? 'sample' : 'token',
        colName: 'expert',
        ...(smear ? { height: 36 } : {}),
      },
      smear
        ? note(
            'SMEAR merges the experts’ parameters with these weights and runs the merged expert on every token.',
          )
        : null,
    ),
  ];
  const chosen = chosenWeights(layer, detail);
  if (chosen) {
    figures.push(
      heatmapFigure(
        context.exporter,
        layer.kind === 'topk'
          ? `Chosen experts (top-${detail.topk?.cols ?? layer.k ?? ''})`
          : 'Tokens chosen by each expert',
        [layer.id, 'chosen', sampleName],
        {
          values: chosen,
          rows: probs.rows,
          cols: probs.cols,
          rowLabels,
          colLabels,
          rowName: 'token',
          colName: 'expert',
        },
        note('The router probability where the token was routed to the expert, 0 elsewhere.'),
      ),
    );
  }
  return smear ? { figures: [], wide: figures } : { figures, wide: [] };
}

export function routingView(context: ViewContext): View {
  const { layer, sample } = context;
  const detail = layer && sample?.layers[layer.id];
  let figures: HeatmapFigure[] = [];
  let wide: HeatmapFigure[] = [];
  let message: string | null = null;
  if (!layer) message = 'This report has no MoE layers.';
  else if (!sample)
    message = 'This report keeps no per-token detail: run the analysis with --samples N (N ≥ 1).';
  else if (!detail) message = `No per-token detail for ${layer.id} in sample #${sample.index}.`;
  else if (layer.kind === 'soft_moe') ({ figures, wide } = softMoe(context, layer, sample, detail));
  else if (detail.probs) ({ figures, wide } = tokenChoice(context, layer, sample, detail));
  if (!message && figures.length === 0) message = `No routing weights were kept for ${layer!.id}.`;
  const element = el(
    'div',
    { class: 'view routing' },
    sample && layer ? el('p', { class: 'muted' }, `${layer.id} · sample ${sampleText(sample)}`) : null,
    message ? note(message) : null,
    el('div', { class: 'figure-grid' }, ...figures.map((f) => f.element)),
    ...wide.map((f) => f.element),
  );
  const all = [...figures, ...wide];
  return {
    element,
    mount: () => all.forEach((f) => f.mount()),
    dispose: () => all.forEach((f) => f.dispose()),
  };
}
