/**
 * Expert alignment: experts are permutation-symmetric between trainings (expert 3 of one run
 * may do what expert 5 of another does), so before comparing routing expert by expert, MoE Scope
 * matches A's experts to B's one-to-one, maximising the summed correlation of their routing
 * profiles (Hungarian method), and says how much better that matching is than a random one.
 */
import { mulberry32 } from '../data/random';
import { minCostAssignment } from './hungarian';
import type { ExpertAlignment } from './types';

export const RANDOM_DRAWS = 1000;

/**
 * Aligns from an nA × nB correlation matrix (row-major). With nA ≠ nB, min(nA, nB) pairs are
 * made and the rest listed as unmatched. The random baseline draws `draws` uniformly random
 * one-to-one matchings of the same size (seeded, so reports are reproducible).
 * O(min·max²) for the matching, O(draws·max) for the baseline.
 */
export function alignExperts(
  correlation: Float64Array,
  nA: number,
  nB: number,
  draws = RANDOM_DRAWS,
  seed = 1,
): ExpertAlignment {
  const cost = correlation.map((r) => -r);
  const rowToCol = minCostAssignment(cost, nA, nB);
  const matching = Array.from(rowToCol, (j) => (j >= 0 ? j : null));
  const pairs = Math.min(nA, nB);
  const matchedCorrelation = matching.map((j, i) => (j === null ? null : correlation[i * nB + j]!));
  let matchedSum = 0;
  for (const r of matchedCorrelation) if (r !== null) matchedSum += r;
  let identitySum = 0;
  for (let i = 0; i < pairs; i++) identitySum += correlation[i * nB + i]!;
  const random = randomBaseline(correlation, nA, nB, draws, seed);
  const meanCorrelation = pairs > 0 ? matchedSum / pairs : 0;
  const taken = new Set(rowToCol);
  return {
    matching,
    correlation: matchedCorrelation,
    meanCorrelation,
    identityCorrelation: pairs > 0 ? identitySum / pairs : 0,
    random,
    zScore: random.std > 1e-12 ? (meanCorrelation - random.mean) / random.std : null,
    unmatchedA: matching.flatMap((j, i) => (j === null ? [i] : [])),
    unmatchedB: Array.from({ length: nB }, (_, j) => j).filter((j) => !taken.has(j)),
  };
}

/** Mean and population std of the mean matched correlation over random matchings. */
function randomBaseline(
  correlation: Float64Array,
  nA: number,
  nB: number,
  draws: number,
  seed: number,
): ExpertAlignment['random'] {
  const pairs = Math.min(nA, nB);
  if (pairs === 0 || draws < 1) return { mean: 0, std: 0, draws: 0 };
  const next = mulberry32(seed);
  const larger = Math.max(nA, nB);
  const order = new Int32Array(larger);
  let sum = 0;
  let squares = 0;
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < larger; i++) order[i] = i;
    // The first `pairs` entries of a partial Fisher–Yates shuffle: a uniform injective map.
    for (let i = 0; i < pairs; i++) {
      const j = i + (next() % (larger - i));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let total = 0;
    for (let i = 0; i < pairs; i++) {
      total += nA <= nB ? correlation[i * nB + order[i]!]! : correlation[order[i]! * nB + i]!;
    }
    const mean = total / pairs;
    sum += mean;
    squares += mean * mean;
  }
  const mean = sum / draws;
  return { mean, std: Math.sqrt(Math.max(0, squares / draws - mean * mean)), draws };
}
