/** Text about cells: value formatting, axis labels and groups, and what a cell is called. */
import type { AxisGroups } from './types';

/**
 * A value with 4 significant digits: "0.1235", "12.00", and in exponent form below 0.001 or from
 * 10 000 up ("3.142e-5", "1.235e+4"); "NaN" for a missing value.
 */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  const magnitude = Math.abs(value);
  return magnitude !== 0 && magnitude < 1e-3 ? value.toExponential(3) : value.toPrecision(4);
}

/** One axis of the matrix: its cells' labels and its grouping. */
export class Axis {
  readonly groupSize: number;
  private readonly groupLabels: readonly string[] | undefined;

  constructor(
    readonly count: number,
    readonly name: string,
    private readonly labels: readonly string[] | undefined,
    groups: number | AxisGroups | undefined,
  ) {
    if (labels && labels.length !== count) {
      throw new RangeError(`${name} labels: expected ${count}, got ${labels.length}`);
    }
    const size = typeof groups === 'number' ? groups : (groups?.size ?? 0);
    if (!Number.isInteger(size) || size < 0)
      throw new RangeError(`${name} groups: size must be a whole number`);
    this.groupSize = size > 0 && size < count ? size : 0;
    this.groupLabels = typeof groups === 'object' ? groups.labels : undefined;
    if (this.groupLabels && this.groupSize && this.groupLabels.length !== Math.ceil(count / this.groupSize)) {
      throw new RangeError(`${name} groups: expected ${Math.ceil(count / this.groupSize)} labels`);
    }
  }

  /** The label of cell i: the given label, else its index. */
  label(i: number): string {
    return this.labels?.[i] ?? String(i);
  }

  /** The number of groups, 0 when the axis is not grouped. */
  get groupCount(): number {
    return this.groupSize ? Math.ceil(this.count / this.groupSize) : 0;
  }

  /** The label of group g, when groups are labelled. */
  groupLabel(g: number): string | undefined {
    return this.groupLabels?.[g];
  }

  /** Whether the axis shows group labels instead of cell labels. */
  get labelsGroups(): boolean {
    return this.groupSize > 0 && this.groupLabels !== undefined;
  }

  /** "tok 3" or, in a labelled group, "slot 5 (expert 1)". */
  describe(i: number): string {
    const group = this.groupSize ? this.groupLabel(Math.floor(i / this.groupSize)) : undefined;
    return group === undefined ? this.label(i) : `${this.label(i)} (${group})`;
  }
}

/** What the tooltip and screen readers say about a cell, one line per fact. */
export function cellLines(rows: Axis, cols: Axis, row: number, col: number, value: number): string[] {
  return [
    `${rows.name}: ${rows.describe(row)}`,
    `${cols.name}: ${cols.describe(col)}`,
    `value: ${formatValue(value)}`,
  ];
}
