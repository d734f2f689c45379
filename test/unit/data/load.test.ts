import assert from 'node:assert/strict';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInputs } from '../../../src/core/data/load';
import type { TensorSpec } from '../../../src/core/onnx/types';
import { DEMO_NPZ, fixture, isError, tempDir } from './support';

const PIXELS: TensorSpec = { name: 'pixels', dtype: 'float32', shape: ['batch', 1, 28, 28] };

describe('loadInputs', () => {
  it('loads the bundled Fashion-MNIST demo: 512 samples, labels 0…9, pixels in [0, 1]', async function () {
    if (!existsSync(DEMO_NPZ)) {
      this.skip(); // media/demo/fashion-mnist-test.npz is produced by test/fixtures/train.py
    }
    const set = await loadInputs(DEMO_NPZ, [PIXELS]);
    assert.equal(set.count, 512);
    assert.equal(set.source, 'fashion-mnist-test.npz');
    assert.equal(set.labels!.length, 512);
    assert.ok(set.labels!.every((l) => l >= 0 && l <= 9));
    assert.equal(new Set(set.labels).size, 10, 'all ten classes appear');
    const { pixels } = set.batch(0, 512);
    assert.deepEqual(pixels!.shape, [512, 1, 28, 28]);
    let min = Infinity;
    let max = -Infinity;
    for (const v of pixels!.data as Float32Array) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assert.equal(min, 0);
    assert.equal(max, 1);
  });

  it('reads each file kind by extension', async () => {
    const npy = await loadInputs(fixture('float64.npy'), [
      { name: 'x', dtype: 'float64', shape: ['batch', 2] },
    ]);
    assert.equal(npy.source, 'float64.npy');
    assert.deepEqual(Array.from(npy.batch(0, 2).x!.data as Float64Array), [0.1, -2.5e300, Math.PI, 1 / 3]);
    // The same file for a float32 input: -2.5e300 has no float32 value and is reported.
    await assert.rejects(
      loadInputs(fixture('float64.npy'), [{ name: 'x', dtype: 'float32', shape: ['batch', 2] }]),
      isError(
        'BAD_REQUEST',
        /1 non-finite value after conversion from float64 to float32; the first is -Infinity at \[0, 1\]/,
      ),
    );

    const npz = await loadInputs(fixture('stored.npz'), [
      { name: 'pixels', dtype: 'float32', shape: ['batch', 1, 2, 2] },
    ]);
    assert.equal(npz.count, 3);

    const st = await loadInputs(fixture('tensors.safetensors'), [
      { name: 'ids', dtype: 'int64', shape: ['batch', 2] },
    ]);
    assert.deepEqual(Array.from(st.labels!), [4, 1]);

    const image = await loadInputs(fixture('rgb2x2.png'), [
      { name: 'x', dtype: 'float32', shape: ['batch', 3, 2, 2] },
    ]);
    assert.equal(image.source, 'rgb2x2.png');

    const synthetic = await loadInputs(undefined, [PIXELS], { synthetic: { count: 3, seed: 1 } });
    assert.equal(synthetic.source, 'synthetic');
    assert.equal(synthetic.count, 3);
  });

  it('reads JSON files and files with unknown extensions by their magic bytes', async () => {
    const dir = tempDir();
    try {
      const json = join(dir.path, 'in.json');
      writeFileSync(json, JSON.stringify({ x: [[1, 2]], labels: [3] }));
      const set = await loadInputs(json, [{ name: 'x', dtype: 'float32', shape: ['batch', 2] }]);
      assert.deepEqual(Array.from(set.labels!), [3]);

      const noExt = join(dir.path, 'arrays');
      copyFileSync(fixture('stored.npz'), noExt);
      assert.equal((await loadInputs(noExt, [{ name: 'pixels', dtype: 'float32', shape: null }])).count, 3);

      const csv = join(dir.path, 'x.csv');
      writeFileSync(csv, '1,2,3\n');
      await assert.rejects(
        loadInputs(csv, [PIXELS]),
        isError('BAD_REQUEST', /x\.csv is not an input file MoE Scope reads/),
      );
    } finally {
      dir.cleanup();
    }
  });

  it('says a single .npy feeds only one-input models', async () => {
    await assert.rejects(
      loadInputs(fixture('float32.npy'), [PIXELS, { name: 'mask', dtype: 'bool', shape: ['batch', 4] }]),
      isError(
        'BAD_REQUEST',
        /float32\.npy holds one array, which feeds a model with one input, but this model has 2: 'pixels', 'mask'/,
      ),
    );
  });

  it('reports a missing file, an oversized file and NaN in the data', async () => {
    await assert.rejects(
      loadInputs(fixture('nope.npz'), [PIXELS]),
      isError('FILE_NOT_FOUND', /nope\.npz does not exist/),
    );
    await assert.rejects(
      loadInputs(fixture('stored.npz'), [PIXELS], { maxBytes: 100 }),
      isError('FILE_TOO_LARGE', /stored\.npz is \d+ bytes, over the 100 bytes limit/),
    );
    const spec: TensorSpec = { name: 'x', dtype: 'float32', shape: ['batch', 2] };
    await assert.rejects(
      loadInputs(fixture('nonfinite.npy'), [spec]),
      isError('BAD_REQUEST', /3 non-finite values; the first is NaN at \[0, 1\]/),
    );
    const set = await loadInputs(fixture('nonfinite.npy'), [spec], { allowNonFinite: true });
    assert.ok(Number.isNaN((set.batch(0, 1).x!.data as Float32Array)[1]));
  });
});
