/**
 * Chart.js configurations of the specialization view: a metric against k (ranked and random with a
 * ±std band, the full model as a line), the smallest-k histogram and single-expert knockouts.
 */
import type { ChartConfiguration } from 'chart.js';
import type { Knockout, OptimalSearch, SpecializationCurve } from '../../src/core/specialization/types';
import { themedOptions, withAlpha, type ChartColors } from './charts';
import { smallestKCounts } from './curves';

export type Metric = 'accuracy' | 'agreement' | 'kl';

export const METRIC_NAMES: Record<Metric, string> = {
  accuracy: 'Accuracy',
  agreement: 'Agreement with the full model',
  kl: 'KL(full ‖ masked), nats',
};

/** Line datasets: ranked, random mean and a ±std band around it, and optionally a baseline. */
export function curveConfig(
  curve: SpecializationCurve,
  metric: Metric,
  baseline: number | undefined,
  colors: ChartColors,
): ChartConfiguration {
  const ranked = curve.ranked[metric] ?? [];
  const mean = curve.random[metric] ?? [];
  const std = curve.random.std[metric] ?? [];
  const scale = metric === 'kl' ? 1 : 100;
  const y = (values: readonly number[]) => values.map((v) => v * scale);
  const datasets: ChartConfiguration<'line'>['data']['datasets'] = [
    {
      label: 'ranked (Algorithm 1)',
      data: y(ranked),
      borderColor: colors.ranked,
      backgroundColor: colors.ranked,
      pointRadius: 3,
    },
    {
      label: `random (mean of ${curve.random.seeds})`,
      data: y(mean),
      borderColor: colors.random,
      backgroundColor: colors.random,
      borderDash: [5, 3],
      pointRadius: 2,
    },
    {
      label: 'band',
      data: y(mean.map((m, i) => m + (std[i] ?? 0))),
      borderWidth: 0,
      pointRadius: 0,
      fill: false,
    },
    {
      label: 'band',
      data: y(mean.map((m, i) => m - (std[i] ?? 0))),
      borderWidth: 0,
      pointRadius: 0,
      fill: '-1',
      backgroundColor: withAlpha(colors.random, 0.2),
    },
  ];
  if (baseline !== undefined) {
    datasets.push({
      label: 'full model',
      data: curve.k.map(() => baseline * scale),
      borderColor: colors.muted,
      backgroundColor: colors.muted,
      borderDash: [2, 2],
      pointRadius: 0,
    });
  }
  const yTitle = metric === 'kl' ? METRIC_NAMES.kl : `${METRIC_NAMES[metric]} (%)`;
  return {
    type: 'line',
    data: { labels: curve.k.map(String), datasets },
    options: {
      scales: themedOptions(colors, 'experts kept (k)', yTitle),
      plugins: {
        legend: {
          labels: { color: colors.text, usePointStyle: true, filter: (item) => item.text !== 'band' },
        },
        tooltip: { filter: (item) => item.dataset.label !== 'band' },
      },
    },
  };
}

export function histogramConfig(
  curve: SpecializationCurve,
  optimal: OptimalSearch | undefined,
  colors: ChartColors,
): ChartConfiguration {
  const n = curve.experts;
  const labels = [...Array.from({ length: n }, (_, i) => String(i + 1)), 'none'];
  const datasets: ChartConfiguration<'bar'>['data']['datasets'] = [
    { label: 'ranked', data: smallestKCounts(curve.smallestK, n), backgroundColor: colors.ranked },
  ];
  if (optimal)
    datasets.push({
      label: 'optimal (exhaustive)',
      data: smallestKCounts(optimal.optimalK, n),
      backgroundColor: colors.optimal,
    });
  return {
    type: 'bar',
    data: { labels, datasets },
    options: {
      scales: themedOptions(colors, 'smallest k that keeps the prediction', 'inputs'),
      plugins: { legend: { labels: { color: colors.text, boxWidth: 12, boxHeight: 10 } } },
    },
  };
}

export function knockoutConfig(knockout: Knockout, colors: ChartColors): ChartConfiguration {
  const n = knockout.klIncrease.length;
  const drop = knockout.accuracyDrop ?? knockout.agreementDrop;
  const scales = themedOptions(colors, 'expert dropped', 'KL increase (nats)');
  return {
    type: 'bar',
    data: {
      labels: Array.from({ length: n }, (_, i) => `e${i}`),
      datasets: [
        {
          type: 'bar',
          label: 'KL increase',
          data: knockout.klIncrease,
          backgroundColor: colors.ranked,
          yAxisID: 'y',
        },
        {
          type: 'line',
          label: knockout.accuracyDrop ? 'accuracy drop (%)' : 'agreement drop (%)',
          data: drop.map((v) => 100 * v),
          borderColor: colors.extra,
          backgroundColor: colors.extra,
          showLine: false,
          pointRadius: 4,
          yAxisID: 'y1',
        },
      ],
    },
    options: {
      scales: {
        ...scales,
        y1: { ...themedOptions(colors, '', 'drop %').y, position: 'right', grid: { drawOnChartArea: false } },
      },
      plugins: { legend: { labels: { color: colors.text, boxWidth: 12, boxHeight: 10 } } },
    },
  };
}
