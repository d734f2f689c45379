import assert from 'node:assert/strict';
import { spreadRows, uniqueRows } from '../../src/engine/uniqueRows';

describe('distinct masked rows', () => {
  it('runs each distinct row once and copies its output to every row that repeats it', () => {
    const unique = uniqueRows(['a', 'b', 'a', 'c', 'b', 'a']);
    assert.deepEqual(unique.first, [0, 1, 3]);
    assert.deepEqual([...unique.slot], [0, 1, 0, 2, 1, 0]);
    // Outputs of the three distinct rows, two values each.
    const spread = spreadRows(Float32Array.from([1, 2, 3, 4, 5, 6]), unique);
    assert.deepEqual([...spread], [1, 2, 3, 4, 1, 2, 5, 6, 3, 4, 1, 2]);
  });

  it('hands back the same array when no row repeats, and copes with no rows', () => {
    const data = Float32Array.from([7, 8, 9]);
    assert.equal(spreadRows(data, uniqueRows(['x', 'y', 'z'])), data);
    assert.deepEqual([...spreadRows(new Float32Array(0), uniqueRows([]))], []);
  });
});
