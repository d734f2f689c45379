import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeModel } from '../../src/engine/analyze';
import { isError } from '../support/errors';
import { externalizeModel } from '../support/externalize';
import { DEMO_MODEL, loadFixtures, MODELS_DIR } from '../support/fixtures';
import { bytesOf, npyBytes } from '../support/npy';

describe('bad inputs: a clear error or a correct result, never a crash', function () {
  this.timeout(60_000);
  const scratch = mkdtempSync(join(tmpdir(), 'moe-scope-bad-'));
  const write = (name: string, bytes: Uint8Array) => {
    const path = join(scratch, name);
    writeFileSync(path, bytes);
    return path;
  };

  it('a truncated model', async () => {
    const cut = write('cut.onnx', readFileSync(DEMO_MODEL).subarray(0, 700_000));
    await assert.rejects(
      analyzeModel({ modelPath: cut }),
      isError('CORRUPT_ONNX', /cut\.onnx is not a readable ONNX model/, /truncated/),
    );
  });

  it('random bytes named .onnx', async () => {
    let state = 7;
    const random = Uint8Array.from(
      { length: 4096 },
      () => (state = (state * 1103515245 + 12345) % 2 ** 31) & 0xff,
    );
    const path = write('random.onnx', random);
    await assert.rejects(analyzeModel({ modelPath: path }), (e: unknown) => {
      const code = (e as { code?: string }).code;
      return (code === 'NOT_ONNX' || code === 'CORRUPT_ONNX') && /random\.onnx/.test((e as Error).message);
    });
  });

  it('a model whose only softmaxes are attention and classification, not routers', async () => {
    const dense = loadFixtures().find((f) => f.name === 'dense_vit')!;
    await assert.rejects(
      analyzeModel({ modelPath: dense.modelPath }),
      isError('NO_MOE_LAYER', /searched \d+ nodes: 4 Softmax/),
    );
  });

  it('inputs of the wrong shape name the expected and the given shape', async () => {
    const pixels = new Float32Array(4 * 28 * 28);
    const path = write('flat.npy', npyBytes('<f4', [4, 784], bytesOf(pixels)));
    await assert.rejects(
      analyzeModel({ modelPath: DEMO_MODEL, inputsPath: path }),
      isError('BAD_REQUEST', /pixels/, /\[batch, 1, 28, 28\]/, /\[4, 784\]/),
    );
  });

  it('inputs of the wrong dtype say which dtype was expected', async () => {
    const ints = new BigInt64Array(2 * 784);
    const path = write('ints.npy', npyBytes('<i8', [2, 1, 28, 28], bytesOf(ints)));
    await assert.rejects(
      analyzeModel({ modelPath: DEMO_MODEL, inputsPath: path }),
      isError('BAD_REQUEST', /float32/, /int64/),
    );
  });

  it('NaN inputs are refused by default, and analysed (skipped, counted, warned) when allowed', async () => {
    const pixels = new Float32Array(4 * 784).fill(0.5);
    pixels.fill(Number.NaN, 0, 784); // The first sample is all NaN.
    const path = write('nan.npy', npyBytes('<f4', [4, 1, 28, 28], bytesOf(pixels)));
    await assert.rejects(
      analyzeModel({ modelPath: DEMO_MODEL, inputsPath: path }),
      isError('BAD_REQUEST', /NaN/),
    );
    const report = await analyzeModel({
      modelPath: DEMO_MODEL,
      inputsPath: path,
      load: { allowNonFinite: true },
    });
    assert.equal(report.samples, 4);
    for (const layer of report.layers) {
      assert.ok(layer.summary.nonFinite > 0, `${layer.id} counted the NaN routing values`);
      const load = layer.summary.expertLoad.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(load - 1) < 1e-9, 'the finite samples still give a load that sums to 1');
    }
    assert.ok(report.warnings.some((w) => /NaN\/Inf routing values were skipped/.test(w)));
  });

  it('external data: analysed like the inline model, and a missing data file is named', async () => {
    const fixture = loadFixtures().find((f) => f.name === 'smear_vit')!;
    const inputsPath = join(MODELS_DIR, fixture.reference.files.inputs!);
    const folder = mkdtempSync(join(scratch, 'external-'));
    const { model, data } = externalizeModel(fixture.modelPath, folder);
    // The specialization study's split model reads the same external weights.
    const specialization = { scope: 'all', seeds: 2, knockout: false, inputs: 8 } as const;
    const inline = await analyzeModel({
      modelPath: fixture.modelPath,
      inputsPath,
      samples: 4,
      specialization,
    });
    const external = await analyzeModel({ modelPath: model, inputsPath, samples: 4, specialization });
    assert.deepEqual(
      external.perSample!.map((s) => s.prediction),
      inline.perSample!.map((s) => s.prediction),
    );
    assert.deepEqual(external.layers[0]!.summary.expertLoad, inline.layers[0]!.summary.expertLoad);
    assert.equal(
      external.specialization!.evaluation,
      'shared-prefix',
      external.specialization!.notes.join(' '),
    );
    assert.deepEqual(external.specialization!.curves, inline.specialization!.curves);
    rmSync(data);
    await assert.rejects(
      analyzeModel({ modelPath: model, inputsPath }),
      isError(
        'FILE_NOT_FOUND',
        /smear_vit\.onnx keeps its weights in the external data file weights\.bin, which is missing/,
      ),
    );
  });

  it('a cancelled run stops with CANCELLED', async () => {
    const controller = new AbortController();
    await assert.rejects(
      analyzeModel(
        {
          modelPath: DEMO_MODEL,
          inputsPath: join(MODELS_DIR, 'softmoe_vit.ref', 'inputs.npy'),
          batchSize: 4,
        },
        { signal: controller.signal, progress: () => controller.abort() },
      ),
      isError('CANCELLED'),
    );
  });
});
