/**
 * The layer pairs as a table: how each pair was made, how well the experts align (mean matched
 * correlation against the identity matching and random matchings) and how much the routing agrees
 * with and without alignment. A row is selected by click, Enter or Space; arrows move between rows.
 */
import type { LayerComparison } from '../../src/core/compare/types';
import { el } from '../shared/dom';
import { csvTable } from '../report/csv';
import { figure, note, type Exporter } from '../report/figure';
import { num } from '../report/format';
import { correlationText, pairExperts, pairKinds, withUnaligned, zText } from './format';

const COLUMNS = [
  'Layer A',
  'Layer B',
  'Kind',
  'Experts',
  'Matched r (identity)',
  'z',
  'Top-1 (unaligned)',
  'Top-k overlap (unaligned)',
  'JSD bits (unaligned)',
];

function cells(pair: LayerComparison): string[] {
  return [
    pair.a,
    pair.b,
    pairKinds(pair),
    pairExperts(pair),
    correlationText(pair),
    zText(pair),
    withUnaligned(pair.top1Agreement, pair.unaligned.top1Agreement),
    `${withUnaligned(pair.topkOverlap, pair.unaligned.topkOverlap)} k=${pair.k}`,
    `${num(pair.jsDivergence)} (${num(pair.unaligned.jsDivergence)})`,
  ];
}

function csvRow(pair: LayerComparison): (string | number)[] {
  const al = pair.alignment;
  return [
    pair.a,
    pair.b,
    pair.kinds.a,
    pair.kinds.b,
    pair.experts.a,
    pair.experts.b,
    pair.pairedBy,
    al.meanCorrelation,
    al.identityCorrelation,
    al.random.mean,
    al.random.std,
    al.zScore ?? NaN,
    pair.top1Agreement,
    pair.unaligned.top1Agreement,
    pair.k,
    pair.topkOverlap,
    pair.unaligned.topkOverlap,
    pair.jsDivergence,
    pair.unaligned.jsDivergence,
  ];
}

const CSV_HEADER = [
  'layer_a',
  'layer_b',
  'kind_a',
  'kind_b',
  'experts_a',
  'experts_b',
  'paired_by',
  'matched_r',
  'identity_r',
  'random_r_mean',
  'random_r_std',
  'z',
  'top1',
  'top1_unaligned',
  'k',
  'topk_overlap',
  'topk_overlap_unaligned',
  'jsd_bits',
  'jsd_bits_unaligned',
];

export interface PairTable {
  readonly element: HTMLElement;
  /** Marks the selected pair (by its layer of A). */
  show(layer: string): void;
}

export function pairTable(
  exporter: Exporter,
  pairs: readonly LayerComparison[],
  onSelect: (layer: string) => void,
): PairTable {
  const rows = pairs.map((pair, i) => {
    const row = el(
      'tr',
      { tabindex: '-1', 'data-layer': pair.a, 'aria-selected': 'false' },
      ...cells(pair).map((text, c) => el(c === 0 ? 'th' : 'td', c === 0 ? { scope: 'row' } : {}, text)),
    ) as HTMLTableRowElement;
    row.addEventListener('click', () => onSelect(pair.a));
    row.addEventListener('keydown', (event) => {
      const next = event.key === 'ArrowDown' ? i + 1 : event.key === 'ArrowUp' ? i - 1 : -1;
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        onSelect(pair.a);
      } else if (next >= 0 && next < rows.length) {
        event.preventDefault();
        rows[next]!.focus();
      }
    });
    return row;
  });
  const table = el(
    'table',
    { class: 'layer-table pair-table', 'aria-label': 'Layer pairs: Enter selects a pair' },
    el('thead', {}, el('tr', {}, ...COLUMNS.map((c) => el('th', { scope: 'col' }, c)))),
    el('tbody', {}, ...rows),
  );
  const element = figure(
    exporter,
    'Layer pairs',
    { name: ['layer-pairs'], csv: () => csvTable(CSV_HEADER, pairs.map(csvRow)) },
    el('div', { class: 'table-scroll' }, table),
    note(
      'Matched r: mean Pearson correlation of matched experts’ routing over the same inputs (1 = same ' +
        'routing up to renumbering); z: how far above random matchings. Top-1: positions whose top ' +
        'experts are partners; top-k overlap: shared top-k experts; JSD: Jensen–Shannon divergence ' +
        'of the routing profiles in bits (0 = same). In brackets: without aligning (expert i ↔ i).',
    ),
  );
  return {
    element,
    show(layer) {
      const hadFocus = rows.some((row) => row === row.ownerDocument.activeElement);
      for (const row of rows) {
        const selected = row.dataset.layer === layer;
        row.setAttribute('aria-selected', String(selected));
        row.tabIndex = selected ? 0 : -1;
      }
      if (hadFocus) rows.find((row) => row.tabIndex === 0)?.focus();
    },
  };
}
