/**
 * Elementary statistics of routing distributions, one per function. Vectors are read from flat
 * arrays as values[offset + i·stride] for i < length, so rows and columns of a C-order tensor are
 * read in place. Sums run in float64 (JS numbers).
 */

/** Read access shared by typed arrays and plain arrays of numbers. */
export interface NumericArray {
  readonly length: number;
  readonly [index: number]: number;
}

/**
 * Shannon entropy in nats, H(v) = −Σ_i v_i·ln v_i, with 0·ln 0 = 0; entries ≤ 0 contribute 0.
 * The vector is used as given (routing rows are softmax outputs and already sum to 1).
 * O(length). Parity: numpy `-(np.where(v > 0, v * np.log(np.where(v > 0, v, 1)), 0)).sum()`.
 */
export function entropyNats(values: NumericArray, offset: number, length: number, stride = 1): number {
  let h = 0;
  for (let i = 0, at = offset; i < length; i++, at += stride) {
    const v = values[at]!;
    if (v > 0) h -= v * Math.log(v);
  }
  return h;
}

/**
 * Entropy normalised by its maximum, H / ln(categories): 0 for a one-hot, 1 for a uniform
 * distribution. With a single category every distribution is one-hot, so the result is 0. O(1).
 */
export function normalisedEntropy(nats: number, categories: number): number {
  return categories > 1 ? nats / Math.log(categories) : 0;
}

/** Nats to bits, H / ln 2. O(1). */
export function natsToBits(nats: number): number {
  return nats / Math.LN2;
}

/**
 * Index of the largest entry; the first one on ties (numpy `argmax`). Entries are assumed finite.
 * O(length).
 */
export function argmax(values: NumericArray, offset: number, length: number, stride = 1): number {
  let best = 0;
  let bestValue = values[offset]!;
  for (let i = 1, at = offset + stride; i < length; i++, at += stride) {
    const v = values[at]!;
    if (v > bestValue) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}

/** Number of NaN or ±Infinity entries. O(length). Parity: `(~np.isfinite(v)).sum()`. */
export function countNonFinite(values: NumericArray, offset: number, length: number, stride = 1): number {
  let count = 0;
  for (let i = 0, at = offset; i < length; i++, at += stride) {
    if (!Number.isFinite(values[at]!)) count++;
  }
  return count;
}

/**
 * Shares of a non-negative mass vector, mass_i / Σ_j mass_j; all zeros when the total is 0.
 * O(n). Parity: `mass / mass.sum()`.
 */
export function shares(mass: NumericArray): number[] {
  let total = 0;
  for (let i = 0; i < mass.length; i++) total += mass[i]!;
  const out = new Array<number>(mass.length);
  for (let i = 0; i < mass.length; i++) out[i] = total > 0 ? mass[i]! / total : 0;
  return out;
}

/**
 * Coefficient of variation with the population standard deviation,
 * cv = sqrt(mean((x − x̄)²)) / x̄, two-pass like numpy; 0 when the mean is 0 or the vector empty.
 * O(n). Parity: `np.std(x) / np.mean(x)`.
 */
export function coefficientOfVariation(values: NumericArray): number {
  const n = values.length;
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  if (mean === 0) return 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    squares += d * d;
  }
  return Math.sqrt(squares / n) / mean;
}

/**
 * Switch Transformer balance (Fedus et al. 2021, eq. 4 without α): n·Σ_i f_i·P_i, where
 * f_i = top1Count_i / count is the fraction of tokens whose top-1 expert is i and
 * P_i = probabilitySum_i / count is the mean routing probability of expert i. Equals 1 for a
 * perfectly balanced router and n for one that sends everything to one expert; 0 when count is 0.
 * O(n). Parity: `n * np.sum(f * P)`.
 */
export function switchBalance(top1Count: NumericArray, probabilitySum: NumericArray, count: number): number {
  if (count === 0) return 0;
  const n = top1Count.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (top1Count[i]! / count) * (probabilitySum[i]! / count);
  return n * sum;
}

/** counts_i / total as plain numbers; zeros when total is 0. O(n). */
export function fractions(counts: NumericArray, total: number): number[] {
  const out = new Array<number>(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = total > 0 ? counts[i]! / total : 0;
  return out;
}

/** sum / count, or 0 for an empty set. O(1). */
export function meanOf(sum: number, count: number): number {
  return count > 0 ? sum / count : 0;
}
