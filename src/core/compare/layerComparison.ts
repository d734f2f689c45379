/**
 * One layer pair's comparison, read off its tally once every input has been seen: align the
 * experts, evaluate agreement under that alignment (and without it), and line up the two
 * reports' loads, balance and per-class loads in A's expert order.
 */
import { coefficientOfVariation } from '../analysis/statistics';
import type { ReportLayer } from '../report/types';
import type { Specialization } from '../specialization/types';
import { alignExperts } from './alignment';
import type { PairTally } from './pairTally';
import type { Granularity, LayerComparison, PairedBy } from './types';

export interface PairInput {
  a: ReportLayer;
  b: ReportLayer;
  by: PairedBy;
  granularity: Granularity;
  tally: PairTally;
  specialization?: { a?: Specialization; b?: Specialization };
}

export function compareLayers(input: PairInput): LayerComparison {
  const { a, b, tally } = input;
  const nA = a.experts;
  const nB = b.experts;
  const alignment = alignExperts(tally.correlation.matrix(), nA, nB);
  const rowToCol = alignment.matching.map((j) => j ?? -1);
  const identity = Array.from({ length: nA }, (_, i) => (i < nB ? i : -1));
  const entropy = tally.entropy();
  const loadA = a.summary.expertLoad;
  const loadB = b.summary.expertLoad;
  const alignedB = alignment.matching.map((j) => (j === null ? null : loadB[j]!));
  const cvA = coefficientOfVariation(loadA);
  const cvB = coefficientOfVariation(loadB);
  const result: LayerComparison = {
    a: a.id,
    b: b.id,
    kinds: { a: a.kind, b: b.kind },
    experts: { a: nA, b: nB },
    pairedBy: input.by,
    granularity: input.granularity,
    positions: tally.positions,
    skipped: tally.skipped,
    k: tally.k,
    matching: alignment.matching,
    ...tally.agreement(rowToCol),
    alignment,
    unaligned: tally.agreement(identity),
    entropy: { ...entropy, delta: entropy.b - entropy.a },
    load: {
      a: loadA,
      b: alignedB,
      delta: alignedB.map((v, i) => (v === null ? null : v - loadA[i]!)),
      unmatchedB: alignment.unmatchedB.reduce((sum, j) => sum + loadB[j]!, 0),
    },
    balance: { a: cvA, b: cvB, delta: cvB - cvA },
    notes: notesFor(input, alignment.unmatchedA.length, alignment.unmatchedB.length),
  };
  const classLoad = classLoadDelta(a, b, alignment.matching);
  if (classLoad) result.classLoad = classLoad;
  const curves = {
    a: input.specialization?.a?.curves.find((c) => c.layer === a.id),
    b: input.specialization?.b?.curves.find((c) => c.layer === b.id),
  };
  if (curves.a || curves.b)
    result.specialization = { ...(curves.a ? { a: curves.a } : {}), ...(curves.b ? { b: curves.b } : {}) };
  return result;
}

/** B − A per class and expert of A, for the classes both reports have. */
function classLoadDelta(
  a: ReportLayer,
  b: ReportLayer,
  matching: (number | null)[],
): LayerComparison['classLoad'] {
  const ca = a.summary.classLoad;
  const cb = b.summary.classLoad;
  if (!ca || !cb) return undefined;
  const classes = ca.classes.filter((c) => cb.classes.includes(c));
  if (classes.length === 0) return undefined;
  const delta = classes.map((c) => {
    const rowA = ca.load[ca.classes.indexOf(c)]!;
    const rowB = cb.load[cb.classes.indexOf(c)]!;
    return matching.map((j, i) => (j === null ? null : rowB[j]! - rowA[i]!));
  });
  return { classes, delta };
}

/** Plain statements of what this pair's numbers can and cannot say. */
function notesFor(input: PairInput, unmatchedA: number, unmatchedB: number): string[] {
  const { a, b } = input;
  const notes: string[] = [];
  if (a.kind !== b.kind)
    notes.push(
      `${a.kind} vs ${b.kind}: routing compared as distributions over experts (Soft MoE: combine mass per expert; others: router probabilities); loads follow each kind's own definition.`,
    );
  if (input.granularity === 'example' && a.kind !== 'smear' && b.kind !== 'smear')
    notes.push(
      `A routes ${a.tokens} and B ${b.tokens} tokens per sample: compared per example, on token-averaged routing.`,
    );
  else if (input.granularity === 'example' && (a.kind !== 'smear' || b.kind !== 'smear'))
    notes.push('SMEAR routes once per example: the per-token side is averaged over each example’s tokens.');
  if (unmatchedA + unmatchedB > 0) {
    const pairs = Math.min(a.experts, b.experts);
    const [side, extra] = unmatchedA > 0 ? ['A', unmatchedA] : ['B', unmatchedB];
    notes.push(
      `A has ${a.experts} experts and B ${b.experts}: ${pairs} pairs aligned, ${extra} experts of ${side} have no counterpart. ` +
        'Routing to them counts as disagreement (top-1, top-k) and as mass the other side puts nowhere (JSD); their loads are not compared one to one.',
    );
  }
  if (input.tally.skipped > 0)
    notes.push(`${input.tally.skipped} routing positions with NaN/Inf values were skipped.`);
  return notes;
}
