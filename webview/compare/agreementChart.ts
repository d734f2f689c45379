/**
 * Routing agreement per layer pair as grouped bars: top-1 agreement and top-k overlap, each after
 * aligning the experts (solid) and without (faint). The gap between the two is what renumbering
 * hides. A click on a pair's bars selects that pair.
 */
import type { ChartConfiguration } from 'chart.js';
import type { LayerComparison } from '../../src/core/compare/types';
import { chartFigure, themedOptions, withAlpha, type ChartFigure } from '../report/charts';
import { csvTable } from '../report/csv';
import { figure, note, type Exporter } from '../report/figure';
import { percent } from '../report/format';
import { agreementSeries } from './agreement';
import { pairName } from './format';

/** What the chart shows, in words: its accessible name. */
function describe(pairs: readonly LayerComparison[]): string {
  const parts = pairs.map(
    (p) =>
      `${pairName(p)}: top-1 ${percent(p.top1Agreement)} aligned, ${percent(p.unaligned.top1Agreement)} unaligned; ` +
      `top-${p.k} overlap ${percent(p.topkOverlap)} aligned, ${percent(p.unaligned.topkOverlap)} unaligned`,
  );
  return `Routing agreement per layer pair. ${parts.join('. ')}.`;
}

export interface AgreementChart {
  readonly element: HTMLElement;
  dispose(): void;
}

export function agreementChart(
  exporter: Exporter,
  pairs: readonly LayerComparison[],
  onSelect: (layer: string) => void,
): AgreementChart {
  const series = agreementSeries(pairs);
  const made: ChartFigure = chartFigure(describe(pairs), (colors): ChartConfiguration<'bar'> => {
    const hue = [colors.ranked, colors.ranked, colors.random, colors.random];
    return {
      type: 'bar',
      data: {
        labels: pairs.map(pairName),
        datasets: series.map((s, i) => ({
          label: s.label,
          data: s.values.map((v) => 100 * v),
          backgroundColor: s.aligned ? hue[i]! : withAlpha(hue[i]!, 0.3),
          borderColor: hue[i]!,
          borderWidth: 1,
        })),
      },
      options: {
        scales: {
          ...themedOptions(colors, 'layer pair', '% of positions'),
          y: { ...themedOptions(colors, 'layer pair', '% of positions').y, min: 0, max: 100 },
        },
        plugins: { legend: { labels: { color: colors.text } } },
        onClick: (_event, elements) => {
          const index = elements[0]?.index;
          if (index !== undefined && pairs[index]) onSelect(pairs[index].a);
        },
      },
    };
  });
  made.element.dataset.chart = 'agreement';
  const element = figure(
    exporter,
    'Routing agreement per layer pair',
    {
      name: ['agreement'],
      png: () => made.chart().canvas,
      csv: () =>
        csvTable(
          ['layer_a', 'layer_b', ...series.map((s) => s.label.replace(/ /g, '_'))],
          pairs.map((p, i) => [p.a, p.b, ...series.map((s) => s.values[i]!)]),
        ),
    },
    made.element,
    note(
      'Solid: after aligning the experts (optimal matching); faint: expert i of A against expert i of B. ' +
        'A click on a pair selects it.',
    ),
  );
  return { element, dispose: () => made.dispose() };
}
