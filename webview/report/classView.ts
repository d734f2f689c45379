/**
 * Classes × experts for the selected layer: the expert load of each label's inputs, and how far it is
 * from the layer's overall load (which experts a class prefers). For top-k layers, OLMoE's
 * co-activation P(j | i): how often expert j is chosen with expert i.
 */
import { el } from '../shared/dom';
import { note } from './figure';
import { expertLabels } from './format';
import { heatmapFigure, type HeatmapFigure } from './heatmapFigure';
import { flatten } from './routing';
import type { View, ViewContext } from './view';

/** [min, max] of the off-diagonal entries (the diagonal P(i | i) = 1 would flatten the rest). */
function offDiagonalRange(values: Float32Array, n: number): { min: number; max: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = values[i * n + j]!;
      if (i !== j && Number.isFinite(v)) [min, max] = [Math.min(min, v), Math.max(max, v)];
    }
  }
  return min <= max ? { min, max } : undefined;
}

export function classView(context: ViewContext): View {
  const layer = context.layer;
  const figures: HeatmapFigure[] = [];
  const summary = layer?.summary;
  const classLoad = summary?.classLoad;
  if (layer && summary && classLoad && classLoad.classes.length > 0) {
    const n = layer.experts;
    const rows = classLoad.classes.length;
    const rowLabels = classLoad.classes.map((c) => `class ${c}`);
    const values = flatten(classLoad.load, n);
    figures.push(
      heatmapFigure(
        context.exporter,
        'Expert load per class',
        [layer.id, 'class-load'],
        { values, rows, cols: n, rowLabels, colLabels: expertLabels(n), rowName: 'class', colName: 'expert' },
        note('Each row is the expert load of the inputs with that label; rows sum to 1.'),
      ),
    );
    const difference = new Float32Array(values.length);
    for (let c = 0; c < rows; c++) {
      for (let i = 0; i < n; i++) difference[c * n + i] = values[c * n + i]! - (summary.expertLoad[i] ?? NaN);
    }
    figures.push(
      heatmapFigure(
        context.exporter,
        'Class load − overall load',
        [layer.id, 'class-load-difference'],
        {
          values: difference,
          rows,
          cols: n,
          rowLabels,
          colLabels: expertLabels(n),
          rowName: 'class',
          colName: 'expert',
          colormap: 'diverging',
        },
        note('Red: the class sends an expert more than the average input does; blue: less.'),
      ),
    );
  }
  if (layer && summary?.kind === 'topk' && summary.coActivation.length > 0) {
    const n = summary.coActivation.length;
    const values = flatten(summary.coActivation, n);
    const range = offDiagonalRange(values, n);
    figures.push(
      heatmapFigure(
        context.exporter,
        'Co-activation P(j | i)',
        [layer.id, 'co-activation'],
        {
          values,
          rows: n,
          cols: n,
          rowLabels: expertLabels(n).map((e) => `i = ${e}`),
          colLabels: expertLabels(n),
          rowName: 'expert i',
          colName: 'expert j',
          ...(range ?? {}),
        },
        note(
          'Row i: of the tokens routed to expert i, the share also routed to expert j. The colour range leaves out the diagonal (always 1).',
        ),
      ),
    );
  }
  const message = !layer
    ? 'This report has no MoE layers.'
    : figures.length === 0
      ? `${layer.id} has no per-class load (run with labels) and no co-activation (top-k only).`
      : null;
  return {
    element: el(
      'div',
      { class: 'view classes' },
      message ? note(message) : null,
      el('div', { class: 'figure-grid' }, ...figures.map((f) => f.element)),
    ),
    mount: () => figures.forEach((f) => f.mount()),
    dispose: () => figures.forEach((f) => f.dispose()),
  };
}
