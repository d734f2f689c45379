import assert from 'node:assert/strict';
import { join } from 'node:path';
import { indexGraph } from '../../src/core/onnx/graph';
import { planRows } from '../../src/core/onnx/rowsModel';
import { planMaskSplit } from '../../src/core/onnx/split';
import type { Specialization } from '../../src/core/specialization/types';
import type { Tensor } from '../../src/core/tensor';
import { analyzeModel } from '../../src/engine/analyze';
import { replicateAlong } from '../../src/engine/rowTensors';
import { openSharedPrefix } from '../../src/engine/sharedPrefix';
import { toOrt } from '../../src/engine/ortTensors';
import { openSession } from '../../src/engine/session';
import { MODELS_DIR } from '../support/fixtures';
import { bytesField, concat, message, stringField, valueInfo, varintField } from '../support/protoWriter';

const FLOAT = 1;
const INT64 = 7;

function op(opType: string, inputs: string[], outputs: string[], ...attributes: Uint8Array[]): Uint8Array {
  return message(
    1,
    ...inputs.map((name) => stringField(1, name)),
    ...outputs.map((name) => stringField(2, name)),
    stringField(3, `/${outputs[0]}`),
    stringField(4, opType),
    ...attributes,
  );
}

function intAttribute(name: string, value: number): Uint8Array {
  return message(5, stringField(1, name), varintField(3, value), varintField(20, 2));
}

function int64Initializer(name: string, values: number[]): Uint8Array {
  const raw = new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer);
  return message(
    5,
    varintField(1, values.length),
    varintField(2, INT64),
    stringField(8, name),
    bytesField(9, raw),
  );
}

function model(...graphFields: Uint8Array[]): Uint8Array {
  return concat(
    varintField(1, 8),
    message(7, stringField(2, 'split'), ...graphFields),
    message(8, stringField(1, ''), varintField(2, 17)),
  );
}

/**
 * y = Reshape(x·m + extra(x), [batch, 4]) with the batch read off x by Shape → Gather → Concat:
 * shape arithmetic the split must recompute in the suffix, whose batch is the number of rows.
 */
function maskedModel(extra: Uint8Array[]): Uint8Array {
  return model(
    op('Shape', ['x'], ['s']),
    op('Gather', ['s', 'zero'], ['b'], intAttribute('axis', 0)),
    op('Mul', ['x', 'm'], ['xm']),
    ...extra,
    op('Concat', ['b', 'four'], ['shape'], intAttribute('axis', 0)),
    op('Add', ['xm', 'h'], ['z']),
    op('Reshape', ['z', 'shape'], ['y']),
    int64Initializer('zero', [0]),
    int64Initializer('four', [4]),
    valueInfo(11, 'x', FLOAT, ['batch', 4]),
    valueInfo(11, 'm', FLOAT, ['batch', 4]),
    valueInfo(12, 'y', FLOAT, ['batch', 4]),
  );
}

const RELU = [op('Relu', ['x'], ['h'])];
// Sums over the batch: the prefix couples the rows of a batch, so it must not be shared.
const BATCH_SUM = [op('ReduceSum', ['x'], ['h'], intAttribute('keepdims', 0))];

function floats(shape: number[], values: number[]): Tensor {
  return { dtype: 'float32', shape, data: Float32Array.from(values) };
}

const open = async (bytes: Uint8Array) => (await openSession(bytes, ['cpu'])).session;
const x0 = floats([1, 4], [1, 2, -3, 4]);
const x1 = floats([1, 4], [-1, 0.5, 2, -6]);

/** The one masked point of the hand-built graphs: the mask input `m`, neutral at 1. */
const M = [[{ name: 'm', width: 4, neutral: 1 }]];

/** The model split at its mask `m`, probed on x0 and x1. */
function splitOnProbe(bytes: Uint8Array, index: ReturnType<typeof indexGraph>) {
  return openSharedPrefix(bytes, index, M, ['y'], [], [{ x: x0 }, { x: x1 }], open);
}

describe('masked rows split at the masks (shared prefix)', function () {
  this.timeout(120_000);

  it('replicates blocks of rows along any axis', () => {
    // [2, 4, 3]: axis 1 holds two inputs of two entries each.
    const t = floats(
      [2, 4, 3],
      Array.from({ length: 24 }, (_, i) => i),
    );
    const out = replicateAlong(t, 1, 2, [1, 0, 1]);
    assert.deepEqual(out.shape, [2, 6, 3]);
    const at = (o: number, r: number, i: number) => (out.data as Float32Array)[(o * 6 + r) * 3 + i]!;
    for (let o = 0; o < 2; o++)
      for (const [r, source] of [1, 0, 1].entries())
        for (let e = 0; e < 2; e++)
          for (let i = 0; i < 3; i++) assert.equal(at(o, r * 2 + e, i), o * 12 + (source * 2 + e) * 3 + i);
  });

  it('runs the prefix once per input and recomputes shape arithmetic for the rows', async () => {
    const bytes = maskedModel(RELU);
    const index = indexGraph(bytes, 'split.onnx');
    const plan = planRows(index, M, [], 'first');
    assert.ok(typeof plan !== 'string', String(plan));
    const ops = (nodes: Iterable<number>) => [...nodes].map((i) => index.nodes[i]!.opType).sort();
    assert.deepEqual(ops(plan.base), ['Relu']);
    assert.deepEqual(ops(plan.entries[0]!.nodes), ['Add', 'Concat', 'Gather', 'Mul', 'Reshape', 'Shape']);
    assert.deepEqual(plan.entries[0]!.cut, ['x', 'h']);

    const shared = await splitOnProbe(bytes, index);
    assert.ok(typeof shared !== 'string', String(shared));
    assert.equal(shared.mode, 'shared-prefix');
    const x = floats([2, 4], [...(x0.data as Float32Array), ...(x1.data as Float32Array)]);
    const sources = [1, 0, 1, 1];
    const m = floats([4, 4], [1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0.5, 0, 2, 0]);
    const { y } = await shared.run({ x }, sources, { m: toOrt(m) }, ['y']);
    assert.deepEqual(y!.shape, [4, 4]);
    sources.forEach((s, r) => {
      for (let i = 0; i < 4; i++) {
        const xi = (x.data as Float32Array)[s * 4 + i]!;
        const expected = xi * (m.data as Float32Array)[r * 4 + i]! + Math.max(0, xi);
        assert.equal((y!.data as Float32Array)[r * 4 + i], Math.fround(expected), `row ${r}, entry ${i}`);
      }
    });
    await shared.release();
  });

  it('copies a tensor of two entries per input to the rows, and runs shape arithmetic both parts need in each', async () => {
    // y = Reshape(Relu(x as pairs) · (m as pairs), Shape(x)) + Reshape(Relu(x as pairs), Shape(x))
    //   = max(0, x) · (m + 1); Shape(x) serves the prefix and, recomputed on the rows, the suffix.
    const bytes = model(
      op('Shape', ['x'], ['s']),
      op('Reshape', ['x', 'pair'], ['t']),
      op('Relu', ['t'], ['h']),
      op('Reshape', ['h', 's'], ['hb']),
      op('Reshape', ['m', 'pair'], ['m2']),
      op('Mul', ['h', 'm2'], ['hm']),
      op('Reshape', ['hm', 's'], ['z']),
      op('Add', ['z', 'hb'], ['y']),
      int64Initializer('pair', [-1, 2]),
      valueInfo(11, 'x', FLOAT, ['batch', 4]),
      valueInfo(11, 'm', FLOAT, ['batch', 4]),
      valueInfo(12, 'y', FLOAT, ['batch', 4]),
    );
    const index = indexGraph(bytes, 'pairs.onnx');
    const plan = planRows(index, M, [], 'first');
    assert.ok(typeof plan !== 'string', String(plan));
    assert.deepEqual(plan.entries[0]!.cut, ['x', 'h', 'hb']);
    const both = [...plan.base].filter((i) => plan.entries[0]!.nodes.includes(i));
    assert.deepEqual(
      both.map((i) => index.nodes[i]!.opType),
      ['Shape'],
    );

    const shared = await splitOnProbe(bytes, index);
    assert.ok(typeof shared !== 'string', String(shared));
    const x = floats([2, 4], [...(x0.data as Float32Array), ...(x1.data as Float32Array)]);
    const sources = [1, 0, 1];
    const m = floats([3, 4], [1, 0, 1, 0, 0, 0, 0, 1, 0.5, 2, 3, 4]);
    const { y } = await shared.run({ x }, sources, { m: toOrt(m) }, ['y']);
    assert.deepEqual(y!.shape, [3, 4]);
    sources.forEach((s, r) => {
      for (let i = 0; i < 4; i++) {
        const xi = Math.max(0, (x.data as Float32Array)[s * 4 + i]!);
        const expected = Math.fround(xi * (m.data as Float32Array)[r * 4 + i]!) + xi;
        assert.equal((y!.data as Float32Array)[r * 4 + i], Math.fround(expected), `row ${r}, entry ${i}`);
      }
    });
    await shared.release();
  });

  it('with an entry per masked point, rows whose first mask is a later one start from the full model there', async () => {
    // y = (relu(x)·m1 + x)·m2 + relu(x): rows masking only m2 enter after m1, from the base's c.
    const bytes = model(
      op('Relu', ['x'], ['a']),
      op('Mul', ['a', 'm1'], ['b']),
      op('Add', ['b', 'x'], ['c']),
      op('Mul', ['c', 'm2'], ['d']),
      op('Add', ['d', 'a'], ['y']),
      valueInfo(11, 'x', FLOAT, ['batch', 4]),
      valueInfo(11, 'm1', FLOAT, ['batch', 4]),
      valueInfo(11, 'm2', FLOAT, ['batch', 4]),
      valueInfo(12, 'y', FLOAT, ['batch', 4]),
    );
    const index = indexGraph(bytes, 'two.onnx');
    const points = [[{ name: 'm2', width: 4, neutral: 1 }], [{ name: 'm1', width: 4, neutral: 1 }]];
    const plan = planRows(index, points, [], 'each');
    assert.ok(typeof plan !== 'string', String(plan));
    assert.deepEqual(
      plan.points.map((p) => p[0]!.name),
      ['m1', 'm2'],
      'points in graph order',
    );
    assert.deepEqual(
      plan.entries.map((e) => [e.start, e.cut]),
      [
        [0, ['a', 'x']],
        [1, ['c', 'a']],
      ],
    );
    const shared = await openSharedPrefix(
      bytes,
      index,
      points,
      ['y'],
      [],
      [{ x: x0 }, { x: x1 }],
      open,
      'each',
    );
    assert.ok(typeof shared !== 'string', String(shared));
    const x = floats([2, 4], [...(x0.data as Float32Array), ...(x1.data as Float32Array)]);
    const sources = [0, 1, 1, 0];
    const ones = [1, 1, 1, 1];
    // Rows: m1 and m2 masked; only m2 (a later entry); neither; only m1.
    const m1 = floats([4, 4], [0, 1, 0.5, 2, ...ones, ...ones, 3, 0, 1, 1]);
    const m2 = floats([4, 4], [1, 0, 2, 1, 0.5, 0, 3, 1, ...ones, ...ones]);
    const { y } = await shared.run({ x }, sources, { m1: toOrt(m1), m2: toOrt(m2) }, ['y']);
    sources.forEach((s, r) => {
      for (let i = 0; i < 4; i++) {
        const xi = (x.data as Float32Array)[s * 4 + i]!;
        const a = Math.max(0, xi);
        const c = Math.fround(Math.fround(a * (m1.data as Float32Array)[r * 4 + i]!) + xi);
        const expected = Math.fround(Math.fround(c * (m2.data as Float32Array)[r * 4 + i]!) + a);
        assert.equal((y!.data as Float32Array)[r * 4 + i], expected, `row ${r}, entry ${i}`);
      }
    });
    await shared.release();
  });

  it('keeps the whole model when a prefix tensor couples the rows of a batch, or for control flow', async () => {
    const bytes = maskedModel(BATCH_SUM);
    const index = indexGraph(bytes, 'split.onnx');
    const shared = await splitOnProbe(bytes, index);
    assert.equal(shared, 'h does not follow the batch');

    const branch = message(6, stringField(2, 'branch'));
    const withIf = model(
      op('Mul', ['x', 'm'], ['y0']),
      op('If', ['c'], ['y'], message(5, stringField(1, 'then_branch'), branch, varintField(20, 5))),
      valueInfo(11, 'x', FLOAT, ['batch', 4]),
      valueInfo(11, 'm', FLOAT, ['batch', 4]),
    );
    assert.equal(
      planMaskSplit(indexGraph(withIf, 'if.onnx'), new Set(['m'])),
      'the model has control flow (subgraphs)',
    );
    assert.equal(planMaskSplit(index, new Set(['not-an-input'])), 'no node reads the expert masks');
  });

  /** Everything but how the rows ran (and KL to float precision) must be identical. */
  function assertSameStudy(split: Specialization, whole: Specialization, name: string): void {
    assert.equal(split.evaluation, 'shared-prefix', `${name}: ${split.notes.join(' ')}`);
    assert.equal(whole.evaluation, 'whole-model');
    const strip = (s: Specialization) =>
      JSON.parse(
        JSON.stringify({ ...s, evaluation: undefined, notes: undefined }, (key, value: unknown) =>
          /kl/i.test(key) ? undefined : value,
        ),
      ) as unknown;
    assert.deepEqual(strip(split), strip(whole), `${name}: the same curves, optimum and knockouts`);
    split.curves.forEach((curve, c) => {
      const other = whole.curves[c]!;
      curve.ranked.kl.forEach((v, k) =>
        assert.ok(Math.abs(v - other.ranked.kl[k]!) < 1e-6, `${name} ranked KL`),
      );
      curve.random.kl.forEach((v, k) =>
        assert.ok(Math.abs(v - other.random.kl[k]!) < 1e-6, `${name} random KL`),
      );
    });
  }

  const cases: [string, { subsets?: 'shared' }][] = [
    ['softmoe_vit', {}],
    ['softmoe_vit_plain', {}],
    ['softmoe_vit_plain', { subsets: 'shared' }],
    ['softmoe_vit_opset13', {}],
    ['smear_vit', {}],
    ['topk_vit', {}],
    ['expert_choice_vit', {}],
    ['text_topk', {}],
  ];
  for (const [name, variant] of cases) {
    it(`${name}${variant.subsets ? ' (shared subsets)' : ''}: the split study equals the whole-model study`, async () => {
      const modelPath = join(MODELS_DIR, `${name}.onnx`);
      const study = {
        scope: 'both',
        seeds: 2,
        knockout: true,
        maxExhaustiveExperts: 4,
        inputs: 6,
        ...variant,
      } as const;
      const run = (sharedPrefix: boolean) =>
        analyzeModel({ modelPath, samples: 0, limit: 6, specialization: { ...study, sharedPrefix } });
      const [split, whole] = [await run(true), await run(false)];
      assertSameStudy(split.specialization!, whole.specialization!, name);
    });
  }
});
