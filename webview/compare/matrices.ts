/**
 * The matrices the compare views draw, in A's expert order: each column is an expert of A, with B's
 * matched expert beside it, then the experts of B that have no partner in A. Pure functions of the
 * comparison and the two reports (no DOM), so Node tests check them against the JSON directly.
 */
import type { LayerComparison } from '../../src/core/compare/types';
import type { ReportLayer, SampleDetail } from '../../src/core/report/types';
import { topExperts } from '../report/routing';

/** The columns of a layer pair: A's expert (−1: none) and B's expert (−1: none) per column. */
export interface PairColumns {
  a: number[];
  b: number[];
}

/** A's experts in order, each with its matched B expert, then B's unmatched experts. */
export function pairColumns(pair: LayerComparison): PairColumns {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < pair.experts.a; i++) {
    a.push(i);
    b.push(pair.matching[i] ?? -1);
  }
  for (const j of pair.alignment.unmatchedB) {
    a.push(-1);
    b.push(j);
  }
  return { a, b };
}

/** Column labels of one side: "e3" for its own expert, "–" where it has none. */
export function columnLabels(experts: readonly number[]): string[] {
  return experts.map((e) => (e >= 0 ? `e${e}` : '–'));
}

/**
 * Column labels of the all-layers load view: A's experts ("e3"), then "+1", "+2", … for the columns
 * of B's experts without a partner in A (their numbers in B differ from layer to layer).
 */
export function loadLabels(columns: PairColumns): string[] {
  let extra = 0;
  return columns.a.map((e) => (e >= 0 ? `e${e}` : `+${++extra}`));
}

/** rows × cols values, row-major, NaN where there is nothing to show. */
export interface Grid {
  values: Float32Array;
  rows: number;
  cols: number;
}

/** B − A per cell, NaN where either side is missing. */
export function difference(a: Grid, b: Grid): Grid {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`cannot subtract a ${a.rows} × ${a.cols} grid from a ${b.rows} × ${b.cols} one`);
  }
  const values = new Float32Array(a.values.length);
  for (let i = 0; i < values.length; i++) values[i] = b.values[i]! - a.values[i]!;
  return { values, rows: a.rows, cols: a.cols };
}

/** The expert loads of every layer pair, as three layer pairs × columns grids. */
export interface LoadGrids {
  a: Grid;
  b: Grid;
  difference: Grid;
  /** Columns per pair (the widest pair sets the grid's width; narrower rows end in NaN). */
  columns: PairColumns[];
}

/**
 * Row r is pair r: A's load of its expert in column c, B's load of the expert in column c (its
 * matched partner, or an unmatched expert of B), and B − A where both exist. Loads come from the
 * reports' `expertLoad` (shares summing to 1 per layer).
 */
export function loadGrids(
  pairs: readonly LayerComparison[],
  layersA: readonly ReportLayer[],
  layersB: readonly ReportLayer[],
): LoadGrids {
  const columns = pairs.map(pairColumns);
  const rows = Math.max(1, pairs.length);
  const cols = Math.max(1, ...columns.map((c) => c.a.length));
  const grid = (): Grid => ({ values: new Float32Array(rows * cols).fill(NaN), rows, cols });
  const a = grid();
  const b = grid();
  pairs.forEach((pair, r) => {
    const loadA = layersA.find((l) => l.id === pair.a)?.summary.expertLoad ?? pair.load.a;
    const loadB = layersB.find((l) => l.id === pair.b)?.summary.expertLoad ?? [];
    const { a: ea, b: eb } = columns[r]!;
    for (let c = 0; c < ea.length; c++) {
      if (ea[c]! >= 0) a.values[r * cols + c] = loadA[ea[c]!] ?? NaN;
      if (eb[c]! >= 0) b.values[r * cols + c] = loadB[eb[c]!] ?? NaN;
    }
  });
  return { a, b, difference: difference(a, b), columns };
}

/**
 * One sample's routing profile per position, tokens × experts (SMEAR: 1 × experts): a token's
 * combine mass per expert (Soft MoE) or its router probabilities, what the comparison aligns.
 * Null when the report kept no detail for the layer.
 */
export function sampleProfile(layer: ReportLayer, sample: SampleDetail | undefined): Grid | null {
  const top = topExperts(layer, sample?.layers[layer.id]);
  if (!top) return null;
  return { values: top.weights, rows: top.weights.length / top.experts, cols: top.experts };
}

/** A profile's columns picked and reordered: column c is the profile's expert `experts[c]` (−1: NaN). */
export function reorder(profile: Grid, experts: readonly number[]): Grid {
  const cols = experts.length;
  const values = new Float32Array(profile.rows * cols).fill(NaN);
  for (let r = 0; r < profile.rows; r++) {
    for (let c = 0; c < cols; c++) {
      const e = experts[c]!;
      if (e >= 0 && e < profile.cols) values[r * cols + c] = profile.values[r * profile.cols + e]!;
    }
  }
  return { values, rows: profile.rows, cols };
}

/** The mean over rows: an example's profile from its tokens' profiles (NaN cells stay NaN). */
export function meanRow(grid: Grid): Grid {
  const values = new Float32Array(grid.cols);
  for (let c = 0; c < grid.cols; c++) {
    let sum = 0;
    for (let r = 0; r < grid.rows; r++) sum += grid.values[r * grid.cols + c]!;
    values[c] = sum / grid.rows;
  }
  return { values, rows: 1, cols: grid.cols };
}

/** One sample of a layer pair, both sides in the pair's columns, and their difference. */
export interface SampleGrids {
  a: Grid;
  b: Grid;
  /** B − A per token when both route the same tokens; else per example (token means). */
  difference: Grid;
  perToken: boolean;
}

export function sampleGrids(
  pair: LayerComparison,
  layerA: ReportLayer,
  layerB: ReportLayer,
  sampleA: SampleDetail | undefined,
  sampleB: SampleDetail | undefined,
): SampleGrids | null {
  const profileA = sampleProfile(layerA, sampleA);
  const profileB = sampleProfile(layerB, sampleB);
  if (!profileA || !profileB) return null;
  const columns = pairColumns(pair);
  const a = reorder(profileA, columns.a);
  const b = reorder(profileB, columns.b);
  const perToken = a.rows === b.rows;
  return { a, b, difference: perToken ? difference(a, b) : difference(meanRow(a), meanRow(b)), perToken };
}

/** One row of the alignment table: an expert of A, its partner in B, their correlation and loads. */
export interface AlignmentRow {
  a: number | null;
  b: number | null;
  correlation: number | null;
  loadA: number | null;
  loadB: number | null;
}

/** One row per column of the pair: A's experts with their partners, then B's unmatched experts. */
export function alignmentRows(pair: LayerComparison, loadB: readonly number[]): AlignmentRow[] {
  const { a, b } = pairColumns(pair);
  return a.map((ea, c) => {
    const eb = b[c]!;
    return {
      a: ea >= 0 ? ea : null,
      b: eb >= 0 ? eb : null,
      correlation: ea >= 0 ? (pair.alignment.correlation[ea] ?? null) : null,
      loadA: ea >= 0 ? (pair.load.a[ea] ?? null) : null,
      loadB: eb >= 0 ? (loadB[eb] ?? null) : null,
    };
  });
}
