import assert from 'node:assert/strict';
import { assignmentCost, minCostAssignment } from '../../../src/core/compare/hungarian';
import { random } from '../analysis/support';

/** Every injective map of `rows` rows into `cols` columns (rows ≤ cols), as column lists. */
function injections(rows: number, cols: number): number[][] {
  if (rows === 0) return [[]];
  const out: number[][] = [];
  for (const rest of injections(rows - 1, cols))
    for (let c = 0; c < cols; c++) if (!rest.includes(c)) out.push([...rest, c]);
  return out;
}

/** The minimal total cost by trying every assignment of min(rows, cols) pairs. */
function bruteForce(cost: Float64Array, rows: number, cols: number): number {
  let best = Infinity;
  if (rows <= cols) {
    for (const map of injections(rows, cols)) best = Math.min(best, assignmentCost(cost, cols, map));
  } else {
    for (const map of injections(cols, rows)) {
      let total = 0;
      map.forEach((row, col) => (total += cost[row * cols + col]!));
      best = Math.min(best, total);
    }
  }
  return best;
}

function randomMatrix(next: () => number, rows: number, cols: number, integers = false): Float64Array {
  return Float64Array.from({ length: rows * cols }, () =>
    integers ? Math.floor(next() * 4) : next() * 20 - 10,
  );
}

/** Each row gets at most one column, each column at most one row, and min(rows, cols) pairs are made. */
function assertOneToOne(assignment: Int32Array, rows: number, cols: number): void {
  assert.equal(assignment.length, rows);
  const used = [...assignment].filter((c) => c >= 0);
  assert.equal(used.length, Math.min(rows, cols));
  assert.equal(new Set(used).size, used.length);
  for (const c of used) assert.ok(c < cols);
}

describe('Hungarian assignment', () => {
  it('square matrices n = 1…7: the brute-force minimum over all n! permutations, 40 random matrices each', () => {
    const next = random(7);
    for (let n = 1; n <= 7; n++) {
      for (let trial = 0; trial < 40; trial++) {
        const cost = randomMatrix(next, n, n);
        const assignment = minCostAssignment(cost, n, n);
        assertOneToOne(assignment, n, n);
        const got = assignmentCost(cost, n, assignment);
        const best = bruteForce(cost, n, n);
        assert.ok(Math.abs(got - best) < 1e-9, `n=${n} trial ${trial}: ${got} vs brute force ${best}`);
      }
    }
  });

  it('small integer costs with many ties still reach the minimum', () => {
    const next = random(11);
    for (let trial = 0; trial < 100; trial++) {
      const cost = randomMatrix(next, 6, 6, true);
      assert.equal(assignmentCost(cost, 6, minCostAssignment(cost, 6, 6)), bruteForce(cost, 6, 6));
    }
  });

  it('rectangular matrices, wide and tall: min(rows, cols) pairs at the brute-force minimum', () => {
    const next = random(3);
    for (const [rows, cols] of [
      [1, 5],
      [2, 6],
      [3, 5],
      [4, 7],
      [5, 3],
      [6, 2],
      [7, 4],
    ] as const) {
      for (let trial = 0; trial < 25; trial++) {
        const cost = randomMatrix(next, rows, cols);
        const assignment = minCostAssignment(cost, rows, cols);
        assertOneToOne(assignment, rows, cols);
        const got = assignmentCost(cost, cols, assignment);
        const best = bruteForce(cost, rows, cols);
        assert.ok(Math.abs(got - best) < 1e-9, `${rows}×${cols}: ${got} vs ${best}`);
      }
    }
  });

  it('recovers a hidden permutation from a noisy −similarity matrix (n = 64)', () => {
    const next = random(5);
    const n = 64;
    const hidden = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [hidden[i], hidden[j]] = [hidden[j]!, hidden[i]!];
    }
    const cost = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) cost[i * n + j] = (j === hidden[i] ? -1 : 0) + 0.3 * next();
    assert.deepEqual([...minCostAssignment(cost, n, n)], hidden);
  });

  it('maximises when given negated scores; the closed 3 × 3 example picks the anti-diagonal', () => {
    const score = [1, 2, 9, 2, 8, 3, 7, 1, 1];
    const assignment = minCostAssignment(
      score.map((s) => -s),
      3,
      3,
    );
    assert.deepEqual([...assignment], [2, 1, 0]);
    assert.equal(assignmentCost(score, 3, assignment), 24);
  });

  it('handles empty matrices and rejects non-finite costs and wrong sizes', () => {
    assert.deepEqual([...minCostAssignment([], 0, 4)], []);
    assert.deepEqual([...minCostAssignment([], 3, 0)], [-1, -1, -1]);
    assert.throws(() => minCostAssignment([1, NaN, 2, 3], 2, 2), /cost 1 is NaN/);
    assert.throws(() => minCostAssignment([1, 2, 3], 2, 2), /3 costs for a 2 × 2 matrix/);
  });
});
