/**
 * Expert-subset specialization (Chung et al.): for the selected layer and for "all layers at once",
 * accuracy and agreement with the full model when each input keeps its k best-ranked experts
 * (Algorithm 1) against random subsets of the same size (mean ± std over seeds), KL(full ‖ masked),
 * the smallest k that keeps each prediction, and single-expert knockouts.
 */
import type { ChartConfiguration } from 'chart.js';
import type { SpecializationCurve } from '../../src/core/specialization/types';
import { el } from '../shared/dom';
import { chartFigure, type ChartColors, type ChartFigure } from './charts';
import { csvTable } from './csv';
import { mean } from './curves';
import { figure, note } from './figure';
import { num, percent } from './format';
import {
  curveConfig,
  histogramConfig,
  knockoutConfig,
  METRIC_NAMES,
  type Metric,
} from './specializationCharts';
import type { View, ViewContext } from './view';

function curveCsv(curve: SpecializationCurve): string {
  const metrics: Metric[] = ['accuracy', 'agreement', 'kl'];
  const header = ['k', ...metrics.flatMap((m) => [`ranked_${m}`, `random_${m}`, `random_${m}_std`])];
  const rows = curve.k.map((k, i) => [
    k,
    ...metrics.flatMap((m) => [
      curve.ranked[m]?.[i] ?? NaN,
      curve.random[m]?.[i] ?? NaN,
      curve.random.std[m]?.[i] ?? NaN,
    ]),
  ]);
  return csvTable(header, rows);
}

export function specializationView(context: ViewContext): View {
  const spec = context.report.specialization;
  const charts: ChartFigure[] = [];
  if (!spec)
    return {
      element: note('No specialization study in this report (run with --specialization).'),
      dispose() {},
    };
  const layerId = context.layer?.id;
  const curves = spec.curves.filter((c) => c.layer === layerId || c.layer === 'all');
  const chart = (
    label: string,
    build: (colors: ChartColors) => ChartConfiguration,
    name: string[],
    csv?: () => string,
  ) => {
    const made = chartFigure(label, build);
    charts.push(made);
    made.element.dataset.chart = name.join('-');
    return figure(
      context.exporter,
      label,
      { name, png: () => made.chart().canvas, ...(csv ? { csv } : {}) },
      made.element,
    );
  };
  const sections = curves.map((curve) => {
    const title = curve.layer === 'all' ? 'Every MoE layer at once' : `Layer ${curve.layer}`;
    const hasAccuracy = !!curve.ranked.accuracy;
    const metrics: Metric[] = hasAccuracy ? ['accuracy', 'agreement', 'kl'] : ['agreement', 'kl'];
    const figures = metrics.map((metric) =>
      chart(
        `${METRIC_NAMES[metric]} vs k`,
        (colors) => curveConfig(curve, metric, metric === 'kl' ? undefined : spec.baseline[metric], colors),
        [curve.layer, 'specialization', metric],
        () => curveCsv(curve),
      ),
    );
    const optimal = spec.optimal?.[curve.layer];
    figures.push(
      chart(
        'Smallest k per input',
        (colors) => histogramConfig(curve, optimal, colors),
        [curve.layer, 'smallest-k'],
        () =>
          csvTable(
            ['input', 'smallest_k_ranked', ...(optimal ? ['optimal_k'] : [])],
            curve.smallestK.map((k, i) => [i, k ?? NaN, ...(optimal ? [optimal.optimalK[i] ?? NaN] : [])]),
          ),
      ),
    );
    const knockout = spec.knockout?.[curve.layer];
    if (knockout) {
      figures.push(
        chart(
          'Single-expert knockout',
          (colors) => knockoutConfig(knockout, colors),
          [curve.layer, 'knockout'],
          () =>
            csvTable(
              ['expert', 'kl_increase', 'accuracy_drop', 'agreement_drop'],
              knockout.klIncrease.map((kl, i) => [
                i,
                kl,
                knockout.accuracyDrop?.[i] ?? NaN,
                knockout.agreementDrop[i] ?? NaN,
              ]),
            ),
        ),
      );
    }
    const fractions = spec.fractions.filter((f) => f.layer === curve.layer);
    const table = fractions.length
      ? el(
          'table',
          { class: 'data-table', 'aria-label': `${title}: keeping a fraction of the experts` },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ...['keep', 'k', 'ranked', 'random (mean ± std)', 'KL ranked', 'KL random'].map((h) =>
                el('th', { scope: 'col' }, h),
              ),
            ),
          ),
          el(
            'tbody',
            {},
            ...fractions.map((f) =>
              el(
                'tr',
                {},
                el('th', { scope: 'row' }, f.fraction),
                el('td', {}, String(f.k)),
                el('td', {}, `${percent(f.ranked)} ${f.metric}`),
                el('td', {}, `${percent(f.random)} ± ${percent(f.randomStd)}`),
                el('td', {}, num(f.rankedKl)),
                el('td', {}, num(f.randomKl)),
              ),
            ),
          ),
        )
      : null;
    const gap = optimal && optimal.gap.length ? mean(optimal.gap) : undefined;
    return el(
      'section',
      { class: 'curve', 'aria-label': title },
      el('h2', {}, title),
      el('div', { class: 'chart-grid' }, ...figures),
      table,
      gap !== undefined
        ? note(
            `Ranked smallest k exceeds the exhaustive optimum by ${num(gap)} experts on average (${optimal!.capped} inputs capped).`,
          )
        : null,
    );
  });
  const facts = [
    `${spec.inputs} inputs`,
    spec.subsets === 'shared' ? 'one shared subset (batch variant)' : 'per-input subsets (Algorithm 1)',
    spec.renormalized
      ? 'dropped logits −∞, combine renormalised'
      : 'dropped experts zeroed, other weights not renormalised',
    spec.baseline.accuracy !== undefined ? `full model accuracy ${percent(spec.baseline.accuracy)}` : null,
  ].filter(Boolean);
  const element = el(
    'div',
    { class: 'view specialization' },
    el('p', { class: 'muted' }, facts.join(' · ')),
    curves.length === 0
      ? note(
          `No curve for ${layerId ?? 'this layer'}: the study covers ${spec.curves.map((c) => c.layer).join(', ')}.`,
        )
      : null,
    ...sections,
    ...spec.notes.map((text) => note(text)),
    note(
      'Flat accuracy curves do not mean no specialization: where the MoE layer barely decides the prediction, KL still separates ranked from random subsets.',
    ),
  );
  return { element, dispose: () => charts.forEach((c) => c.dispose()) };
}
