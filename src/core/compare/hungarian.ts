/**
 * The assignment problem: match rows to columns one-to-one so that the summed cost is minimal.
 * Hungarian method with row and column potentials and shortest augmenting paths (Kuhn–Munkres
 * as refined by Jonker–Volgenant, dense form), written for MoE Scope's expert alignment.
 */

/**
 * Minimum-cost assignment for a rows × cols cost matrix, row-major. Rectangular matrices are
 * fine: min(rows, cols) pairs are made and the rest stay unassigned. Returns, for each row, its
 * column or −1. Costs must be finite.
 *
 * O(r²·c) time with r = min(rows, cols), c = max(rows, cols); O(r + c) memory besides the matrix.
 * Parity: `scipy.optimize.linear_sum_assignment(cost)` gives the same minimal total (the pairs
 * themselves can differ when several assignments tie).
 */
export function minCostAssignment(cost: ArrayLike<number>, rows: number, cols: number): Int32Array {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0)
    throw new RangeError(`assignment: ${rows} × ${cols} is not a matrix size`);
  if (cost.length !== rows * cols)
    throw new RangeError(`assignment: ${cost.length} costs for a ${rows} × ${cols} matrix`);
  for (let i = 0; i < cost.length; i++)
    if (!Number.isFinite(cost[i]!)) throw new RangeError(`assignment: cost ${i} is ${cost[i]}`);
  if (rows <= cols) return assignRows(cost, rows, cols, false);
  // More rows than columns: assign the columns instead and invert.
  const byColumn = assignRows(cost, cols, rows, true);
  const out = new Int32Array(rows).fill(-1);
  byColumn.forEach((row, col) => {
    if (row >= 0) out[row] = col;
  });
  return out;
}

/** Total cost of an assignment (rows assigned −1 add nothing). O(rows). */
export function assignmentCost(cost: ArrayLike<number>, cols: number, assignment: ArrayLike<number>): number {
  let total = 0;
  for (let r = 0; r < assignment.length; r++)
    if (assignment[r]! >= 0) total += cost[r * cols + assignment[r]!]!;
  return total;
}

/**
 * n ≤ m: every one of the n rows gets a column. Rows are added one at a time; each addition
 * grows a shortest-path tree over the columns under reduced costs c(i, j) − u(i) − v(j) ≥ 0 and
 * flips the augmenting path it finds. `transposed` reads cost[j][i] instead of cost[i][j].
 * Indices are 1-based inside, with column 0 as the root of each search.
 */
function assignRows(cost: ArrayLike<number>, n: number, m: number, transposed: boolean): Int32Array {
  const at = transposed
    ? (i: number, j: number) => cost[j * n + i]!
    : (i: number, j: number) => cost[i * m + j]!;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const rowOf = new Int32Array(m + 1); // rowOf[j]: the row holding column j (0 = free)
  const previous = new Int32Array(m + 1); // the tree edge that reached column j
  const slack = new Float64Array(m + 1);
  const visited = new Uint8Array(m + 1);
  for (let row = 1; row <= n; row++) {
    rowOf[0] = row;
    let column = 0;
    slack.fill(Infinity);
    visited.fill(0);
    do {
      visited[column] = 1;
      const i = rowOf[column]!;
      let delta = Infinity;
      let next = 0;
      for (let j = 1; j <= m; j++) {
        if (visited[j]) continue;
        const reduced = at(i - 1, j - 1) - u[i]! - v[j]!;
        if (reduced < slack[j]!) {
          slack[j] = reduced;
          previous[j] = column;
        }
        if (slack[j]! < delta) {
          delta = slack[j]!;
          next = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (visited[j]) {
          u[rowOf[j]!]! += delta;
          v[j]! -= delta;
        } else {
          slack[j]! -= delta;
        }
      }
      column = next;
    } while (rowOf[column] !== 0);
    // Flip the augmenting path back to the root.
    do {
      const before = previous[column]!;
      rowOf[column] = rowOf[before]!;
      column = before;
    } while (column !== 0);
  }
  const out = new Int32Array(n).fill(-1);
  for (let j = 1; j <= m; j++) if (rowOf[j]! > 0) out[rowOf[j]! - 1] = j - 1;
  return out;
}
