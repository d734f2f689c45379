/** Expert subsets: random ones for the baseline, all of a size for the exhaustive optimum. */

/** Writes a 0/1 mask keeping k of n experts chosen uniformly at random (partial Fisher–Yates). */
export function randomSubset(
  n: number,
  k: number,
  random: () => number,
  into: Float32Array,
  offset = 0,
): void {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (n - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  into.fill(0, offset, offset + n);
  for (let i = 0; i < k; i++) into[offset + order[i]!] = 1;
}

/** All k-subsets of n experts, in lexicographic order, as index lists. */
export function* combinations(n: number, k: number): Generator<number[]> {
  const pick = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    yield [...pick];
    let i = k - 1;
    while (i >= 0 && pick[i] === n - k + i) i--;
    if (i < 0) return;
    pick[i]!++;
    for (let j = i + 1; j < k; j++) pick[j] = pick[j - 1]! + 1;
  }
}

/** C(n, k) as a float (exact for the sizes used here). */
export function choose(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}
