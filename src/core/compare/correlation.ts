/**
 * Pearson correlation between every column of one row stream and every column of another, over
 * the rows both streams share: how alike expert i of A and expert j of B are used across the
 * same inputs. Streams in bounded memory, O(nA·nB).
 */

/**
 * Accumulates means and co-moments batch by batch, merging each batch with Chan et al.'s
 * pairwise update (stable where the one-pass Σab − Σa·Σb/n formula cancels).
 */
export class CrossCorrelation {
  private count = 0;
  private readonly meanA: Float64Array;
  private readonly meanB: Float64Array;
  /** Σ (a_i − ā_i)², Σ (b_j − b̄_j)², Σ (a_i − ā_i)(b_j − b̄_j). */
  private readonly m2A: Float64Array;
  private readonly m2B: Float64Array;
  private readonly coMoment: Float64Array;

  constructor(
    readonly colsA: number,
    readonly colsB: number,
  ) {
    this.meanA = new Float64Array(colsA);
    this.meanB = new Float64Array(colsB);
    this.m2A = new Float64Array(colsA);
    this.m2B = new Float64Array(colsB);
    this.coMoment = new Float64Array(colsA * colsB);
  }

  /**
   * Adds `rows` paired rows: a [rows, colsA] and b [rows, colsB], row-major. O(rows·nA·nB).
   */
  add(a: Float64Array, b: Float64Array, rows: number): void {
    const nA = this.colsA;
    const nB = this.colsB;
    if (a.length < rows * nA || b.length < rows * nB) throw new RangeError('correlation: rows do not fit');
    if (rows === 0) return;
    const batchMeanA = columnMeans(a, rows, nA);
    const batchMeanB = columnMeans(b, rows, nB);
    const da = new Float64Array(nA);
    const db = new Float64Array(nB);
    const batchCo = new Float64Array(nA * nB);
    const batchM2A = new Float64Array(nA);
    const batchM2B = new Float64Array(nB);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < nA; i++) {
        da[i] = a[r * nA + i]! - batchMeanA[i]!;
        batchM2A[i]! += da[i]! * da[i]!;
      }
      for (let j = 0; j < nB; j++) {
        db[j] = b[r * nB + j]! - batchMeanB[j]!;
        batchM2B[j]! += db[j]! * db[j]!;
      }
      for (let i = 0; i < nA; i++) {
        const x = da[i]!;
        if (x === 0) continue;
        for (let j = 0; j < nB; j++) batchCo[i * nB + j]! += x * db[j]!;
      }
    }
    const n = this.count;
    const total = n + rows;
    const weight = (n * rows) / total;
    for (let i = 0; i < nA; i++) {
      const shiftA = batchMeanA[i]! - this.meanA[i]!;
      for (let j = 0; j < nB; j++) {
        const shiftB = batchMeanB[j]! - this.meanB[j]!;
        this.coMoment[i * nB + j]! += batchCo[i * nB + j]! + shiftA * shiftB * weight;
      }
    }
    for (let i = 0; i < nA; i++) {
      const shift = batchMeanA[i]! - this.meanA[i]!;
      this.m2A[i]! += batchM2A[i]! + shift * shift * weight;
      this.meanA[i]! += (shift * rows) / total;
    }
    for (let j = 0; j < nB; j++) {
      const shift = batchMeanB[j]! - this.meanB[j]!;
      this.m2B[j]! += batchM2B[j]! + shift * shift * weight;
      this.meanB[j]! += (shift * rows) / total;
    }
    this.count = total;
  }

  /** Rows added so far. */
  get rows(): number {
    return this.count;
  }

  /**
   * The nA × nB correlation matrix, row-major. A column that never varied (an expert always
   * given the same share) correlates with nothing: its entries are 0. O(nA·nB).
   * Parity: `np.corrcoef(a, b, rowvar=False)[:nA, nA:]`.
   */
  matrix(): Float64Array {
    const nA = this.colsA;
    const nB = this.colsB;
    const out = new Float64Array(nA * nB);
    for (let i = 0; i < nA; i++) {
      for (let j = 0; j < nB; j++) {
        const denominator = Math.sqrt(this.m2A[i]! * this.m2B[j]!);
        const r = denominator > 0 ? this.coMoment[i * nB + j]! / denominator : 0;
        // Rounding can push |r| a hair past 1.
        out[i * nB + j] = Math.max(-1, Math.min(1, r));
      }
    }
    return out;
  }
}

function columnMeans(x: Float64Array, rows: number, cols: number): Float64Array {
  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c]! += x[r * cols + c]!;
  for (let c = 0; c < cols; c++) mean[c]! /= rows;
  return mean;
}
