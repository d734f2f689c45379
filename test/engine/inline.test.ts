/**
 * Inlining model-local functions: hand-built models with calls (attributes given and defaulted,
 * nested calls, unnamed calls) whose outputs have closed forms, run by ONNX Runtime before and
 * after inlining; and the trained Soft MoE fixture exported with its MoE blocks as functions,
 * analysed against the PyTorch references of the flat export.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectWithLayers } from '../../src/core/detect/inspectLayers';
import { MoeScopeError } from '../../src/core/errors';
import { inlineLocalFunctions } from '../../src/core/onnx/inline';
import { forEachField, readString } from '../../src/core/onnx/protobuf';
import { analyzeModel } from '../../src/engine/analyze';
import { loadOrt } from '../../src/engine/ort';
import { loadFixtures, MODELS_DIR, REPO_ROOT } from '../support/fixtures';
import { bytesField, concat, message, stringField, valueInfo, varintField } from '../support/protoWriter';
import { maxAbsDiff, referenceTensor } from '../support/reference';

const FLOAT = 1;
const FUNCTIONS_MODEL = join(REPO_ROOT, 'test', 'fixtures', 'functions', 'softmoe_vit_functions.onnx');

/** AttributeProto for a float: { name, f (fixed32), type FLOAT }, or a reference to a function attribute. */
function floatAttribute(name: string, value: number | { ref: string }): Uint8Array {
  if (typeof value === 'object')
    return message(5, stringField(1, name), varintField(20, FLOAT), stringField(21, value.ref));
  const f = new Uint8Array(5);
  f[0] = (2 << 3) | 5;
  new DataView(f.buffer).setFloat32(1, value, true);
  return message(5, stringField(1, name), f, varintField(20, FLOAT));
}

function nodeProto(
  op: string,
  inputs: string[],
  outputs: string[],
  name: string,
  extra: Uint8Array[] = [],
  domain = '',
): Uint8Array {
  return concat(
    ...inputs.map((i) => stringField(1, i)),
    ...outputs.map((o) => stringField(2, o)),
    stringField(3, name),
    stringField(4, op),
    ...extra,
    ...(domain ? [stringField(7, domain)] : []),
  );
}

const opset = (domain: string, version: number) => concat(stringField(1, domain), varintField(2, version));

/** The AttributeProto payload of an attribute field (function defaults are stored without the node's field tag). */
function readPayloadOf(field: Uint8Array): Uint8Array {
  let payload = field;
  forEachField(field, 0, field.byteLength, (f) => {
    payload = field.subarray(f.start, f.end);
  });
  return payload;
}

/** Affine(X, B) = alpha·X + B, alpha an attribute defaulting to 3; Twice(X, B) = Affine(Affine(X, B), B). */
function functions(bodyOpset = 17, controlFlow = false): Uint8Array[] {
  const alphaDefault = readPayloadOf(floatAttribute('alpha', 3));
  const affine = [
    stringField(1, 'Affine'),
    stringField(4, 'X'),
    stringField(4, 'B'),
    stringField(5, 'Y'),
    stringField(6, 'alpha'),
    message(11, alphaDefault),
    message(
      7,
      nodeProto('Constant', [], ['c'], 'Constant_1', [floatAttribute('value_float', { ref: 'alpha' })]),
    ),
    message(7, nodeProto('Mul', ['X', 'c'], ['t'], '/inner/Mul_2')),
    message(7, nodeProto('Add', ['t', 'B'], ['Y'], 'Add_3')),
    message(9, opset('', bodyOpset)),
    stringField(10, 'local'),
  ];
  if (controlFlow) {
    const branch = message(6, stringField(2, 'branch'));
    affine.push(
      message(
        7,
        nodeProto('If', ['c'], ['unused'], 'If_4', [message(5, stringField(1, 'then_branch'), branch)]),
      ),
    );
  }
  const twice = [
    stringField(1, 'Twice'),
    stringField(4, 'X'),
    stringField(4, 'B'),
    stringField(5, 'Y'),
    message(7, nodeProto('Affine', ['X', 'B'], ['h'], '/first/Affine', [], 'local')),
    message(7, nodeProto('Affine', ['h', 'B'], ['Y'], '/second/Affine', [], 'local')),
    message(9, opset('', bodyOpset)),
    message(9, opset('local', 1)),
    stringField(10, 'local'),
  ];
  return [message(25, ...affine), message(25, ...twice)];
}

/** y1 = Affine(x, b; alpha 2), y2 = Affine(y1, b), y3 = Twice(y2, b) (an unnamed call). */
function model(options: { bodyOpset?: number; controlFlow?: boolean } = {}): Uint8Array {
  const b = new Uint8Array(new Float32Array([1, -2, 0.5]).buffer);
  const graph = message(
    7,
    message(
      1,
      nodeProto(
        'Affine',
        ['x', 'b'],
        ['y1'],
        '/blocks.0/affine/Affine',
        [floatAttribute('alpha', 2)],
        'local',
      ),
    ),
    message(1, nodeProto('Affine', ['y1', 'b'], ['y2'], '/blocks.1/affine/Affine', [], 'local')),
    message(1, nodeProto('Twice', ['y2', 'b'], ['y3'], '', [], 'local')),
    stringField(2, 'functions'),
    message(5, varintField(1, 3), varintField(2, FLOAT), stringField(8, 'b'), bytesField(9, b)),
    valueInfo(11, 'x', FLOAT, ['N', 3]),
    valueInfo(12, 'y3', FLOAT, ['N', 3]),
  );
  return concat(
    varintField(1, 9),
    stringField(2, 'moe-scope-test'),
    graph,
    message(8, opset('', 17)),
    message(8, opset('local', 1)),
    ...functions(options.bodyOpset, options.controlFlow),
  );
}

async function run(bytes: Uint8Array, x: Float32Array): Promise<Float32Array> {
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ x: new ort.Tensor('float32', x, [x.length / 3, 3]) });
  await session.release();
  return out.y3!.data as Float32Array;
}

/** Node names of the main graph, and whether the model still has functions. */
function graphOf(bytes: Uint8Array): { names: string[]; functions: number } {
  const names: string[] = [];
  let functions = 0;
  forEachField(bytes, 0, bytes.byteLength, (f) => {
    if (f.number === 25) functions++;
    if (f.number !== 7) return;
    forEachField(bytes, f.start, f.end, (g) => {
      if (g.number !== 1) return;
      forEachField(bytes, g.start, g.end, (n) => {
        if (n.number === 3) names.push(readString(bytes, n));
      });
    });
  });
  return { names, functions };
}

describe('model-local functions, inlined', function () {
  this.timeout(120_000);

  it('gives the same outputs as the calls, with given and default attributes and nested calls', async () => {
    const original = model();
    const { bytes, calls } = inlineLocalFunctions(original);
    assert.equal(calls, 5, 'three calls in the graph, two inside Twice');
    const x = Float32Array.from([0, 1, 2, -1, 0.25, 4]);
    const b = [1, -2, 0.5];
    // y1 = 2x + b, y2 = 3·y1 + b, y3 = 3·(3·y2 + b) + b = 9·y2 + 4b.
    const expected = Float32Array.from(x, (v, i) => {
      const bi = b[i % 3]!;
      const y2 = 3 * (2 * v + bi) + bi;
      return 9 * y2 + 4 * bi;
    });
    assert.ok(maxAbsDiff(await run(original, x), expected) < 1e-4, 'ONNX Runtime runs the calls');
    assert.ok(maxAbsDiff(await run(bytes, x), expected) < 1e-4, 'the inlined graph computes the same');
    const { names, functions } = graphOf(bytes);
    assert.equal(functions, 0);
    // Nodes take the call's scope; an unnamed call and a repeated scope get their own prefixes.
    assert.deepEqual(names.slice(0, 3), [
      '/blocks.0/affine/Constant_1',
      '/blocks.0/affine/inner/Mul_2',
      '/blocks.0/affine/Add_3',
    ]);
    assert.deepEqual(names.slice(3, 6), [
      '/blocks.1/affine/Constant_1',
      '/blocks.1/affine/inner/Mul_2',
      '/blocks.1/affine/Add_3',
    ]);
    assert.equal(names.length, 12);
    assert.equal(new Set(names).size, 12, `node names are unique: ${names.join(', ')}`);
  });

  it('leaves a model without functions byte for byte', () => {
    const flat = readFileSync(join(MODELS_DIR, 'softmoe_vit.onnx'));
    const { bytes, calls } = inlineLocalFunctions(flat);
    assert.equal(calls, 0);
    assert.equal(bytes, flat);
  });

  it('refuses control flow inside a function and functions at another opset, saying how to inline them', () => {
    assert.throws(
      () => inlineLocalFunctions(model({ controlFlow: true })),
      (e: unknown) =>
        e instanceof MoeScopeError &&
        /Affine holds control flow/.test(e.message) &&
        /inline_local_functions/.test(e.hint!),
    );
    assert.throws(
      () => inlineLocalFunctions(model({ bodyOpset: 13 })),
      (e: unknown) => e instanceof MoeScopeError && /uses opset 13 but the model opset 17/.test(e.message),
    );
  });

  it('inspect lists the layers of a functions export without running it, as for the flat export', async () => {
    const outline = (inspection: Awaited<ReturnType<typeof inspectWithLayers>>) =>
      inspection.layers.map((l) => [l.id, l.kind, l.experts, l.slotsPerExpert]);
    const functions = await inspectWithLayers(FUNCTIONS_MODEL);
    assert.deepEqual(
      outline(functions),
      outline(await inspectWithLayers(join(MODELS_DIR, 'softmoe_vit.onnx'))),
    );
    assert.equal(functions.layers.length, 2);
  });

  it('finds the Soft MoE layers of a functions export and reads them as PyTorch computed them', async () => {
    const fixture = loadFixtures().find((f) => f.name === 'softmoe_vit')!;
    const report = await analyzeModel({
      modelPath: FUNCTIONS_MODEL,
      inputsPath: join(MODELS_DIR, fixture.reference.files.inputs!),
      samples: 64,
      specialization: { scope: 'all', seeds: 2, knockout: false, inputs: 64 },
    });
    assert.deepEqual(
      report.layers.map((l) => [l.id, l.kind, l.experts, l.slotsPerExpert]),
      [
        ['blocks.2.mlp', 'soft_moe', 8, 2],
        ['blocks.3.mlp', 'soft_moe', 8, 2],
      ],
    );
    assert.ok(report.warnings.some((w) => /2 calls of model-local functions inlined/.test(w)));
    const predictions = Array.from(
      referenceTensor(fixture, 'predictions').data as ArrayLike<number | bigint>,
      Number,
    );
    assert.deepEqual(
      report.perSample!.map((s) => s.prediction),
      predictions,
    );
    for (const id of ['blocks.2.mlp', 'blocks.3.mlp'])
      for (const key of ['dispatch', 'combine'] as const) {
        const ours = report.perSample!.flatMap((s) => Array.from(s.layers[id]![key]!.data));
        const diff = maxAbsDiff(ours, referenceTensor(fixture, `${id}.${key}`).data as Float32Array);
        assert.ok(diff < 1e-5, `${id} ${key}: max |Δ| = ${diff}`);
      }
    // Masks reach into the inlined bodies: the ranked curve is PyTorch's expert-drop reference.
    const drops = (
      fixture.reference as unknown as {
        expertDrop: { keep: number; rankedAgreement: number; rankedKL: number }[];
      }
    ).expertDrop;
    const curve = report.specialization!.curves.find((c) => c.layer === 'all')!;
    for (const drop of drops) {
      assert.equal(curve.ranked.agreement[drop.keep - 1], drop.rankedAgreement);
      assert.ok(Math.abs(curve.ranked.kl[drop.keep - 1]! - drop.rankedKL) < 1e-5);
    }
  });
});
