/** Builders, a seeded random source and tolerant comparison for the routing-metrics tests. */
import assert from 'node:assert/strict';
import { seededRandom } from '../../../src/core/data/random';
import { sliceRows, tensor, type Tensor } from '../../../src/core/tensor';
import type {
  ExpertChoiceBatch,
  LayerBatch,
  SmearBatch,
  SoftMoeBatch,
  TopKBatch,
} from '../../../src/core/analysis';

export function f32(shape: number[], values: ArrayLike<number>): Tensor<'float32'> {
  return tensor('float32', shape, Float32Array.from(values));
}

export function i64(shape: number[], values: ArrayLike<number>): Tensor<'int64'> {
  return tensor(
    'int64',
    shape,
    BigInt64Array.from(Array.from(values), (v) => BigInt(v)),
  );
}

/** A seeded, reproducible uniform source in [0, 1). */
export const random = seededRandom;

/** Softmax of random logits with spread `scale`, along the last axis of a [rows, width] block. */
export function randomSoftmax(next: () => number, rows: number, width: number, scale = 3): Float64Array {
  const out = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let j = 0; j < width; j++) {
      const e = Math.exp(scale * (next() * 2 - 1));
      out[r * width + j] = e;
      total += e;
    }
    for (let j = 0; j < width; j++) out[r * width + j]! /= total;
  }
  return out;
}

/** Indices of the `count` largest of values[offset + j·stride], j < length, largest first. */
export function topIndices(
  values: ArrayLike<number>,
  offset: number,
  length: number,
  count: number,
  stride = 1,
) {
  const order = Array.from({ length }, (_, j) => j);
  order.sort((a, b) => values[offset + b * stride]! - values[offset + a * stride]! || a - b);
  return order.slice(0, count);
}

/** A random Soft MoE batch: C softmax over slots, D softmax over tokens, from shared logits. */
export function randomSoftMoe(next: () => number, B: number, m: number, n: number, p: number): SoftMoeBatch {
  const S = n * p;
  const logits = Array.from({ length: B * m * S }, () => 3 * (next() * 2 - 1));
  const combine = new Float32Array(B * m * S);
  const dispatch = new Float32Array(B * m * S);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < m; t++) {
      const row = (b * m + t) * S;
      let total = 0;
      for (let s = 0; s < S; s++) total += Math.exp(logits[row + s]!);
      for (let s = 0; s < S; s++) combine[row + s] = Math.exp(logits[row + s]!) / total;
    }
    for (let s = 0; s < S; s++) {
      let total = 0;
      for (let t = 0; t < m; t++) total += Math.exp(logits[(b * m + t) * S + s]!);
      for (let t = 0; t < m; t++)
        dispatch[(b * m + t) * S + s] = Math.exp(logits[(b * m + t) * S + s]!) / total;
    }
  }
  return {
    kind: 'soft_moe',
    combine: tensor('float32', [B, m, S], combine),
    dispatch: tensor('float32', [B, m, S], dispatch),
    experts: n,
    slotsPerExpert: p,
  };
}

/** A random Mixtral-style top-k batch: softmax probabilities, top-k, weights renormalised. */
export function randomTopK(next: () => number, B: number, m: number, E: number, k: number): TopKBatch {
  const probs = randomSoftmax(next, B * m, E);
  const indices: number[] = [];
  const weights: number[] = [];
  for (let r = 0; r < B * m; r++) {
    const chosen = topIndices(probs, r * E, E, k);
    const total = chosen.reduce((s, i) => s + probs[r * E + i]!, 0);
    for (const i of chosen) {
      indices.push(i);
      weights.push(probs[r * E + i]! / total);
    }
  }
  return {
    kind: 'topk',
    probs: f32([B, m, E], probs),
    indices: i64([B, m, k], indices),
    weights: f32([B, m, k], weights),
  };
}

/** A random expert-choice batch: every expert takes its c most probable tokens of each sample. */
export function randomExpertChoice(
  next: () => number,
  B: number,
  m: number,
  E: number,
  c: number,
): ExpertChoiceBatch {
  const probs = randomSoftmax(next, B * m, E);
  const selected: number[] = [];
  const gates: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < E; i++) {
      for (const t of topIndices(probs, b * m * E + i, m, c, E)) {
        selected.push(t);
        gates.push(probs[(b * m + t) * E + i]!);
      }
    }
  }
  return {
    kind: 'expert_choice',
    probs: f32([B, m, E], probs),
    selected: i64([B, E, c], selected),
    gates: f32([B, E, c], gates),
  };
}

export function randomSmear(next: () => number, B: number, E: number): SmearBatch {
  return { kind: 'smear', probs: f32([B, E], randomSoftmax(next, B, E)) };
}

/** Samples [start, end) of every tensor of a batch. */
export function sliceBatch(batch: LayerBatch, start: number, end: number): LayerBatch {
  switch (batch.kind) {
    case 'soft_moe':
      return {
        ...batch,
        combine: sliceRows(batch.combine, start, end),
        dispatch: sliceRows(batch.dispatch, start, end),
      };
    case 'topk':
      return {
        ...batch,
        probs: sliceRows(batch.probs, start, end),
        indices: sliceRows(batch.indices, start, end),
        weights: sliceRows(batch.weights, start, end),
      };
    case 'expert_choice':
      return {
        ...batch,
        probs: sliceRows(batch.probs, start, end),
        selected: sliceRows(batch.selected, start, end),
        gates: sliceRows(batch.gates, start, end),
      };
    case 'smear':
      return { ...batch, probs: sliceRows(batch.probs, start, end) };
  }
}

/** The largest deviations seen by `assertMatches`, for the report at the end of a suite. */
export interface Deviation {
  absolute: number;
  relative: number;
  where: string;
}

/**
 * Asserts that `actual` has exactly the fields and array lengths of `expected`, booleans and
 * strings equal, and every number within `abs + rel·|expected|`. Records the worst deviation.
 */
export function assertMatches(
  actual: unknown,
  expected: unknown,
  where: string,
  tolerance = { abs: 1e-12, rel: 1e-9 },
  worst?: Deviation,
): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${where}: expected a number, got ${typeof actual}`);
    const a = actual as number;
    const deviation = Math.abs(a - expected);
    const relative = expected === 0 ? deviation : deviation / Math.abs(expected);
    if (worst && deviation > worst.absolute) {
      worst.absolute = deviation;
      worst.where = where;
    }
    if (worst && relative > worst.relative) worst.relative = relative;
    assert.ok(
      deviation <= tolerance.abs + tolerance.rel * Math.abs(expected),
      `${where}: ${a} differs from ${expected} by ${deviation}`,
    );
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array`);
    assert.equal((actual as unknown[]).length, expected.length, `${where}: length`);
    expected.forEach((e, i) =>
      assertMatches((actual as unknown[])[i], e, `${where}[${i}]`, tolerance, worst),
    );
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${where}: expected an object`);
    const keys = Object.keys(expected).sort();
    assert.deepEqual(Object.keys(actual as object).sort(), keys, `${where}: fields`);
    for (const key of keys) {
      assertMatches(
        (actual as Record<string, unknown>)[key],
        (expected as Record<string, unknown>)[key],
        `${where}.${key}`,
        tolerance,
        worst,
      );
    }
    return;
  }
  assert.equal(actual, expected, where);
}
