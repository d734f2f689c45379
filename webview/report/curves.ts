/** Arithmetic on the specialization study's per-input results (pure, for the charts and tests). */

/**
 * Inputs per smallest k: counts[k − 1] for k = 1…n, and counts[n] for inputs no k preserved (null)
 * or whose k lies outside 1…n.
 */
export function smallestKCounts(values: readonly (number | null)[], n: number): number[] {
  const counts = new Array<number>(n + 1).fill(0);
  for (const k of values) counts[k === null || !(k >= 1 && k <= n) ? n : k - 1]!++;
  return counts;
}

/** The mean of the values, NaN when there are none. */
export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : NaN;
}
