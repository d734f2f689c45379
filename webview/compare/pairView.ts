/**
 * The selected layer pair in detail: its facts, the expert alignment, the per-class load difference
 * (with labels) and the selected sample's routing in A and in B side by side, B in A's expert
 * order, with their difference. What cannot be compared is said in place of the view.
 */
import type { CompareResult, LayerComparison } from '../../src/core/compare/types';
import type { SampleDetail } from '../../src/core/report/types';
import { el } from '../shared/dom';
import { note, type Exporter } from '../report/figure';
import { num } from '../report/format';
import { heatmapFigure, type HeatmapFigure } from '../report/heatmapFigure';
import { flatten } from '../report/routing';
import { alignmentTable } from './alignmentTable';
import { pairExperts, pairKinds, pairName, sampleCaption, signed } from './format';
import { columnLabels, pairColumns, sampleGrids } from './matrices';
import { sideBySide, type SideBySide } from './sideBySide';

export interface PairView {
  readonly element: HTMLElement;
  mount(): void;
  dispose(): void;
}

function facts(pair: LayerComparison): string {
  const where = pair.granularity === 'token' ? 'per token' : 'per example';
  const skipped = pair.skipped ? `, ${pair.skipped} skipped (not finite)` : '';
  return [
    `${pairKinds(pair)}, ${pairExperts(pair)} experts, paired by ${pair.pairedBy.replace(/-/g, ' ')}`,
    `compared ${where} over ${pair.positions} positions${skipped}`,
    `entropy ${num(pair.entropy.a)} → ${num(pair.entropy.b)} (${signed(pair.entropy.delta)})`,
    `load CV ${num(pair.balance.a)} → ${num(pair.balance.b)} (${signed(pair.balance.delta)})`,
  ].join(' · ');
}

function rowLabels(
  sample: SampleDetail | undefined,
  rows: number,
  perToken: boolean,
  kind?: string,
): string[] {
  // SMEAR routes once per example; a difference of example means has one row too.
  if ((!perToken || kind === 'smear') && rows === 1) return ['example'];
  const tokens = sample?.tokens;
  return Array.from({ length: rows }, (_, t) => (tokens && tokens.length === rows ? tokens[t]! : `t${t}`));
}

function sampleSection(
  exporter: Exporter,
  result: CompareResult,
  pair: LayerComparison,
  sample: number,
): { element: HTMLElement; view?: SideBySide } {
  const layerA = result.a.layers.find((l) => l.id === pair.a);
  const layerB = result.b.layers.find((l) => l.id === pair.b);
  const sampleA = result.a.perSample?.[sample];
  const sampleB = result.b.perSample?.[sample];
  const grids = layerA && layerB && sampleA ? sampleGrids(pair, layerA, layerB, sampleA, sampleB) : null;
  if (!grids || !sampleA) {
    return {
      element: note('Neither report kept per-sample routing for this layer pair, so no sample can be shown.'),
    };
  }
  const columns = pairColumns(pair);
  const labelsA = columnLabels(columns.a);
  const view = sideBySide(
    exporter,
    [
      {
        title: `A: ${pair.a}`,
        name: [pair.a, `s${sample}`, 'a'],
        grid: grids.a,
        rowLabels: rowLabels(sampleA, grids.a.rows, true, pair.kinds.a),
        colLabels: labelsA,
      },
      {
        title: `B: ${pair.b}`,
        name: [pair.a, `s${sample}`, 'b'],
        grid: grids.b,
        rowLabels: rowLabels(sampleB, grids.b.rows, true, pair.kinds.b),
        colLabels: columnLabels(columns.b),
      },
      {
        title: grids.perToken ? 'B − A' : 'B − A, example means',
        name: [pair.a, `s${sample}`, 'difference'],
        grid: grids.difference,
        rowLabels: rowLabels(sampleA, grids.difference.rows, grids.perToken),
        colLabels: labelsA,
        difference: true,
        note: grids.perToken
          ? 'Red: B routes the token to the expert more than A does; blue: less.'
          : 'A and B route different tokens, so their per-example means are compared.',
      },
    ],
    { rowName: grids.perToken ? 'token' : 'position', colName: 'expert', rowHeight: 12 },
  );
  view.element.dataset.view = 'sample';
  return {
    element: el(
      'section',
      { class: 'sample-section', 'aria-label': 'Sample routing' },
      el('h3', {}, `Sample ${sampleCaption(sampleA, sampleB)}`),
      view.element,
      note(
        'Each row: a position’s routing weight per expert (Soft MoE: combine mass; otherwise router ' +
          'probabilities). B’s columns are its experts matched to A’s, then those without a partner.',
      ),
    ),
    view,
  };
}

function classLoadFigure(exporter: Exporter, pair: LayerComparison): HeatmapFigure | null {
  const load = pair.classLoad;
  if (!load || load.classes.length === 0) return null;
  const cols = pair.experts.a;
  return heatmapFigure(
    exporter,
    'Per-class load, B − A',
    [pair.a, 'class-load-difference'],
    {
      values: flatten(load.delta, cols),
      rows: load.classes.length,
      cols,
      rowLabels: load.classes.map((c) => `class ${c}`),
      colLabels: columnLabels(Array.from({ length: cols }, (_, i) => i)),
      rowName: 'class',
      colName: 'expert of A',
      colormap: 'diverging',
      // About a table row per class, so ten classes do not tower over the alignment table.
      height: Math.min(360, Math.max(60, load.classes.length * 22)),
    },
    note('Red: B sends the class’s inputs to the matched expert more than A does; blue: less.'),
  );
}

export function pairView(
  exporter: Exporter,
  result: CompareResult,
  pair: LayerComparison,
  sample: number,
): PairView {
  const loadB = result.b.layers.find((l) => l.id === pair.b)?.summary.expertLoad ?? [];
  const classes = classLoadFigure(exporter, pair);
  const samples = sampleSection(exporter, result, pair, sample);
  const element = el(
    'section',
    { class: 'pair-view', 'aria-label': `Layer pair ${pairName(pair)}`, 'data-layer': pair.a },
    el('h2', {}, `Layer pair ${pairName(pair)}`),
    el('p', { class: 'muted' }, facts(pair)),
    pair.notes.length ? el('ul', { class: 'pair-notes' }, ...pair.notes.map((n) => el('li', {}, n))) : null,
    el('div', { class: 'figure-grid' }, alignmentTable(exporter, pair, loadB), classes?.element ?? null),
    samples.element,
  );
  return {
    element,
    mount() {
      classes?.mount();
      samples.view?.mount();
    },
    dispose() {
      classes?.dispose();
      samples.view?.dispose();
    },
  };
}
