/**
 * Input checks shared by the accumulators. Every check runs before an accumulator changes its
 * state, so a rejected batch leaves it as it was.
 */
import { formatShape, type DType, type Tensor } from '../tensor';

/** One expected dimension: its symbol (for the message) and its size, or undefined when free. */
export interface Dim {
  symbol: string;
  size?: number;
}

/** A dimension named `symbol`, fixed to `size` when known. */
export function dim(symbol: string, size?: number): Dim {
  return size === undefined ? { symbol } : { symbol, size };
}

/** Throws TypeError unless the tensor's dtype is one of `allowed`. */
export function checkDtype(name: string, t: Tensor, allowed: readonly DType[]): void {
  if (!allowed.includes(t.dtype)) {
    throw new TypeError(`${name}: expected dtype ${allowed.join(' or ')}, got ${t.dtype}`);
  }
}

/**
 * Throws RangeError unless `t` has the expected rank and the fixed sizes, naming both shapes,
 * e.g. "combine: expected shape [B, m, S] = [B, 16, 32], got [4, 16, 16]".
 */
export function checkShape(name: string, t: Tensor, expected: readonly Dim[]): void {
  const fits =
    t.shape.length === expected.length &&
    expected.every((d, i) => d.size === undefined || t.shape[i] === d.size);
  if (!fits || t.data.length !== t.shape.reduce((a, b) => a * b, 1)) {
    const symbols = `[${expected.map((d) => d.symbol).join(', ')}]`;
    const sizes = `[${expected.map((d) => (d.size === undefined ? d.symbol : String(d.size))).join(', ')}]`;
    throw new RangeError(`${name}: expected shape ${symbols} = ${sizes}, got ${formatShape(t.shape)}`);
  }
}

/** Throws RangeError unless `value` is an integer ≥ `min`. */
export function checkCount(name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

/** Throws RangeError unless labels hold one value per sample (and lie in [0, classes) when given). */
export function checkLabels(labels: Int32Array, samples: number, classes: number | undefined): void {
  if (labels.length !== samples) {
    throw new RangeError(`labels: expected one per sample (${samples}), got ${labels.length}`);
  }
  if (classes === undefined) return;
  for (let b = 0; b < labels.length; b++) {
    const label = labels[b]!;
    if (label < 0 || label >= classes) {
      throw new RangeError(`labels[${b}] = ${label} is outside [0, ${classes})`);
    }
  }
}

/** Integer index tensors as numbers: int32 directly, int64 through Number(). */
export type IndexData = Int32Array | BigInt64Array;

/** The index at flat position `at` as a number. */
export function indexAt(data: IndexData, at: number): number {
  return Number(data[at]!);
}

/**
 * Throws RangeError unless every row of `rowLength` indices holds distinct values in [0, bound).
 * `what` names a row in the message, e.g. "indices: token 3 of sample 1".
 * O(rows·rowLength²); rows are short (k or c entries).
 */
export function checkIndexRows(
  name: string,
  data: IndexData,
  rowLength: number,
  bound: number,
  describeRow: (row: number) => string,
): void {
  const rows = rowLength > 0 ? data.length / rowLength : 0;
  for (let r = 0; r < rows; r++) {
    const base = r * rowLength;
    for (let j = 0; j < rowLength; j++) {
      const v = indexAt(data, base + j);
      if (!(v >= 0 && v < bound)) {
        throw new RangeError(`${name}: ${describeRow(r)} holds index ${v}, outside [0, ${bound})`);
      }
      for (let q = 0; q < j; q++) {
        if (indexAt(data, base + q) === v) {
          throw new RangeError(`${name}: ${describeRow(r)} repeats index ${v}; indices must be distinct`);
        }
      }
    }
  }
}
