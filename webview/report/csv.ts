/**
 * CSV text for exports (RFC 4180: comma-separated, fields with commas, quotes or line breaks quoted).
 * Numbers are written with JavaScript's shortest round-trip form of the stored value, so a float32
 * read back and rounded to float32 is the same number; NaN is written as "NaN" (pandas and numpy
 * read it as NaN).
 */

export function csvField(value: string | number): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvTable(
  header: readonly (string | number)[],
  rows: readonly (readonly (string | number)[])[],
) {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** A rows × cols matrix with a header of column labels and each row led by its label. */
export function matrixCsv(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  rowLabels: readonly string[],
  colLabels: readonly string[],
  corner = '',
): string {
  const body: (string | number)[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: (string | number)[] = [rowLabels[r] ?? String(r)];
    for (let c = 0; c < cols; c++) row.push(values[r * cols + c]!);
    body.push(row);
  }
  return csvTable([corner, ...colLabels.slice(0, cols)], body);
}
