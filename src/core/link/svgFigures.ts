/**
 * Small SVG figures for hovers, as data URIs: an expert-load heatmap (rows = layers, columns =
 * experts) and a specialization curve (ranked vs random keep-k). An image in a hover cannot read
 * the editor theme, so colours are ones that read on light and dark backgrounds alike.
 */
import type { SpecializationCurve } from '../specialization/types';
import { encodePng } from './png';

const TEXT = '#8a8a8a';
const RANKED = '#3794ff';
const RANDOM = '#e07a2f';

/** Viridis at nine evenly spaced stops (matplotlib's values, rounded). */
const VIRIDIS = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
] as const;

/** Viridis colour of t in [0, 1] (clamped), linearly interpolated between the stops. */
export function viridisRgb(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [VIRIDIS[i]!, VIRIDIS[i + 1]!];
  const channel = (k: 0 | 1 | 2) => Math.round(a[k] + (b[k] - a[k]) * f);
  return [channel(0), channel(1), channel(2)];
}

/** The same colour as `#rrggbb`. */
export function viridis(t: number): string {
  return `#${viridisRgb(t)
    .map((v) => v.toString(16).padStart(2, '0'))
    .join('')}`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

export interface HeatmapRow {
  label: string;
  /** Expert load shares. */
  values: readonly number[];
}

/**
 * Rows of expert-load shares as coloured cells, on one colour scale from the smallest to the
 * largest share shown: loads of a trained router often differ by a few tenths of a percent, which
 * a scale from 0 would paint in one colour. The caption states the range. The cells are a PNG of
 * one pixel per cell that the SVG scales up unsmoothed, so 64 layers × 64 experts stay small.
 */
export function loadHeatmapSvg(rows: readonly HeatmapRow[]): { svg: string; min: number; max: number } {
  const experts = Math.max(1, ...rows.map((r) => r.values.length));
  const finite = rows.flatMap((r) => r.values.filter(Number.isFinite));
  const min = finite.length > 0 ? Math.min(...finite) : 0;
  const max = finite.length > 0 ? Math.max(...finite) : 0;
  // Equal shares everywhere: the middle colour.
  const scale = (v: number) => (max > min ? (v - min) / (max - min) : 0.5);
  const rgba = new Uint8Array(experts * Math.max(1, rows.length) * 4);
  rows.forEach((row, r) =>
    row.values.forEach((value, e) => {
      if (!Number.isFinite(value)) return; // Left transparent.
      rgba.set([...viridisRgb(scale(value)), 255], (r * experts + e) * 4);
    }),
  );
  const png = encodePng(experts, Math.max(1, rows.length), rgba).toString('base64');

  const cellWidth = Math.max(2, Math.min(18, Math.floor(320 / experts)));
  const cellHeight = rows.length <= 16 ? 14 : Math.max(2, Math.floor(256 / rows.length));
  // Label every row when they are tall enough, else every few rows and the last.
  const every = Math.ceil(12 / cellHeight);
  const labelled = rows.filter((_, r) => r % every === 0 || r === rows.length - 1);
  const labelWidth = Math.min(180, 7 * Math.max(0, ...labelled.map((r) => r.label.length)) + 8);
  const mapWidth = experts * cellWidth;
  const mapHeight = rows.length * cellHeight;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + mapWidth + 2}" height="${mapHeight + 16}" font-family="monospace" font-size="11">`,
    `<image x="${labelWidth}" y="0" width="${mapWidth}" height="${mapHeight}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${png}"/>`,
  ];
  rows.forEach((row, r) => {
    if (r % every !== 0 && r !== rows.length - 1) return;
    const y = r * cellHeight + Math.min(cellHeight, 14) / 2 + 4;
    parts.push(
      `<text x="${labelWidth - 6}" y="${y}" text-anchor="end" fill="${TEXT}">${escapeXml(row.label)}</text>`,
    );
  });
  parts.push(
    `<text x="${labelWidth}" y="${mapHeight + 12}" fill="${TEXT}">0</text>`,
    `<text x="${labelWidth + mapWidth}" y="${mapHeight + 12}" text-anchor="end" fill="${TEXT}">expert ${experts - 1}</text>`,
    '</svg>',
  );
  return { svg: parts.join(''), min, max };
}

/** Which curve of a specialization study to draw, and its values. */
function pickMetric(curve: SpecializationCurve): {
  metric: 'accuracy' | 'agreement' | 'KL';
  ranked: number[];
  random: number[];
  std: number[];
} {
  const { ranked, random } = curve;
  const argmax =
    ranked.accuracy && random.accuracy
      ? {
          metric: 'accuracy' as const,
          ranked: ranked.accuracy,
          random: random.accuracy,
          std: random.std.accuracy ?? [],
        }
      : {
          metric: 'agreement' as const,
          ranked: ranked.agreement,
          random: random.agreement,
          std: random.std.agreement,
        };
  // Argmax metrics are often flat and equal for ranked and random subsets; KL still separates them.
  const flat = argmax.ranked.every((v, i) => v === argmax.random[i] && v === argmax.ranked[0]);
  return flat && ranked.kl.length > 0
    ? { metric: 'KL', ranked: ranked.kl, random: random.kl, std: random.std.kl }
    : argmax;
}

/**
 * Ranked vs random keep-k curves of one layer, with the random mean ± one standard deviation as
 * a band: accuracy when labels were given, else agreement with the full model; KL(full ‖ kept)
 * in nats when those are flat and equal for both.
 */
export function specializationSvg(curve: SpecializationCurve): { svg: string; metric: string } {
  const { metric, ranked, random, std } = pickMetric(curve);
  const width = 260;
  const height = 130;
  const left = 34;
  const right = 8;
  const top = 16;
  const bottom = 22;
  const ks = curve.k;
  const kMin = ks[0] ?? 1;
  const kMax = ks[ks.length - 1] ?? kMin + 1;
  const values = [
    ...ranked,
    ...random.map((v, i) => v - (std[i] ?? 0)),
    ...random.map((v, i) => v + (std[i] ?? 0)),
  ];
  const kl = metric === 'KL';
  const yMin = kl ? 0 : Math.max(0, Math.floor(Math.min(...values, 1) * 10) / 10);
  const yMax = kl ? Math.max(1e-6, ...values) * 1.1 : 1;
  const tick = (v: number) => (kl ? v.toPrecision(2) : v.toFixed(1));
  const x = (k: number) => left + ((k - kMin) / Math.max(1, kMax - kMin)) * (width - left - right);
  const y = (v: number) => top + (1 - (v - yMin) / Math.max(1e-9, yMax - yMin)) * (height - top - bottom);
  const line = (vs: readonly number[]) =>
    vs.map((v, i) => `${x(ks[i] ?? i + 1).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const upper = random.map(
    (v, i) => `${x(ks[i]!).toFixed(1)},${y(Math.min(yMax, v + (std[i] ?? 0))).toFixed(1)}`,
  );
  const lower = random.map(
    (v, i) => `${x(ks[i]!).toFixed(1)},${y(Math.max(yMin, v - (std[i] ?? 0))).toFixed(1)}`,
  );
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10">`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="${TEXT}"/>`,
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="${TEXT}"/>`,
    `<text x="${left - 4}" y="${top + 4}" text-anchor="end" fill="${TEXT}">${tick(yMax)}</text>`,
    `<text x="${left - 4}" y="${height - bottom}" text-anchor="end" fill="${TEXT}">${tick(yMin)}</text>`,
    `<text x="${x(kMin)}" y="${height - 8}" text-anchor="middle" fill="${TEXT}">${kMin}</text>`,
    `<text x="${x(kMax)}" y="${height - 8}" text-anchor="middle" fill="${TEXT}">${kMax}</text>`,
    `<text x="${(left + width - right) / 2}" y="${height - 8}" text-anchor="middle" fill="${TEXT}">experts kept (k)</text>`,
    upper.length
      ? `<polygon points="${[...upper, ...lower.reverse()].join(' ')}" fill="${RANDOM}" fill-opacity="0.2"/>`
      : '',
    `<polyline points="${line(random)}" fill="none" stroke="${RANDOM}" stroke-width="1.5" stroke-dasharray="4 2"/>`,
    `<polyline points="${line(ranked)}" fill="none" stroke="${RANKED}" stroke-width="2"/>`,
    `<text x="${left + 6}" y="${top - 4}" fill="${RANKED}">ranked</text>`,
    `<text x="${left + 56}" y="${top - 4}" fill="${RANDOM}">random ± std</text>`,
    `<text x="${width - right}" y="${top - 4}" text-anchor="end" fill="${TEXT}">${kl ? 'KL (nats)' : metric}</text>`,
    '</svg>',
  ].join('');
  return { svg, metric };
}
