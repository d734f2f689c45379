/**
 * The expert alignment of one layer pair: which expert of B each expert of A was matched to, how
 * correlated their routing is, and their loads; then B's experts without a partner. Above it, the
 * alignment's quality against the identity matching and against random matchings.
 */
import type { LayerComparison } from '../../src/core/compare/types';
import { el } from '../shared/dom';
import { csvTable } from '../report/csv';
import { figure, note, type Exporter } from '../report/figure';
import { num, percent } from '../report/format';
import { signed, zText } from './format';
import { alignmentRows } from './matrices';

const COLUMNS = ['Expert of A', 'Expert of B', 'r', 'Load A', 'Load B', 'Δ load'];

function expert(e: number | null): string {
  return e === null ? '–' : `e${e}`;
}

export function alignmentTable(
  exporter: Exporter,
  pair: LayerComparison,
  loadB: readonly number[],
): HTMLElement {
  const al = pair.alignment;
  const rows = alignmentRows(pair, loadB);
  const body = rows.map((row) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, expert(row.a)),
      el('td', {}, expert(row.b)),
      el('td', {}, num(row.correlation)),
      el('td', {}, percent(row.loadA)),
      el('td', {}, percent(row.loadB)),
      el('td', {}, row.loadA !== null && row.loadB !== null ? signed(row.loadB - row.loadA) : '–'),
    ),
  );
  const quality =
    `Matched r ${num(al.meanCorrelation)} against ${num(al.identityCorrelation)} for expert i ↔ i and ` +
    `${num(al.random.mean)} ± ${num(al.random.std)} for ${al.random.draws} random matchings ` +
    `(z = ${zText(pair)}).`;
  const unmatched: string[] = [];
  if (al.unmatchedA.length)
    unmatched.push(`A's ${al.unmatchedA.map((e) => `e${e}`).join(', ')} have no partner in B.`);
  if (al.unmatchedB.length)
    unmatched.push(
      `B's ${al.unmatchedB.map((e) => `e${e}`).join(', ')} have no partner in A; they carry ` +
        `${percent(pair.load.unmatchedB)} of B's load.`,
    );
  return figure(
    exporter,
    'Expert alignment',
    {
      name: [pair.a, 'alignment'],
      csv: () =>
        csvTable(
          ['expert_a', 'expert_b', 'r', 'load_a', 'load_b'],
          rows.map((r) => [r.a ?? NaN, r.b ?? NaN, r.correlation ?? NaN, r.loadA ?? NaN, r.loadB ?? NaN]),
        ),
    },
    el('p', { class: 'alignment-quality', 'data-testid': 'alignment-quality' }, quality),
    el(
      'div',
      { class: 'table-scroll' },
      el(
        'table',
        { class: 'data-table alignment-table', 'aria-label': `Expert alignment of ${pair.a}` },
        el('thead', {}, el('tr', {}, ...COLUMNS.map((c) => el('th', { scope: 'col' }, c)))),
        el('tbody', {}, ...body),
      ),
    ),
    unmatched.length ? note(unmatched.join(' ')) : null,
    note(
      'r: Pearson correlation of the two experts’ routing over the same positions. Loads: share of routed mass.',
    ),
  );
}
