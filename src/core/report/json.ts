/** Serialises a report as JSON: typed-array matrices become nested arrays, as the contract says. */
import type { Matrix, Report } from './types';

function isMatrix(value: unknown): value is Matrix {
  return (
    typeof value === 'object' &&
    value !== null &&
    'rows' in value &&
    'cols' in value &&
    ArrayBuffer.isView((value as Matrix).data)
  );
}

export function matrixToArrays(m: Matrix): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < m.rows; r++) rows.push(Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
  return rows;
}

function replacer(_key: string, value: unknown): unknown {
  if (isMatrix(value)) return matrixToArrays(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

export function reportToJson(report: Report, indent = 2): string {
  return JSON.stringify(report, replacer, indent);
}
