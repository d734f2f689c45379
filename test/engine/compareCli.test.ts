import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODELS_DIR, REPO_ROOT } from '../support/fixtures';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const COMPARE_DIR = join(REPO_ROOT, 'test', 'fixtures', 'compare');
const INPUTS = join(MODELS_DIR, 'softmoe_vit.ref', 'inputs.npy');
const LABELS = join(MODELS_DIR, 'softmoe_vit.ref', 'labels.npy');
const model = (name: string) => join(MODELS_DIR, `${name}.onnx`);

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('moe-scope compare', function () {
  this.timeout(120_000);
  const scratch = mkdtempSync(join(tmpdir(), 'moe-scope-compare-'));

  it('prints the per-layer table and writes both reports and the comparison as JSON', () => {
    const out = join(scratch, 'comparison.json');
    const permuted = join(COMPARE_DIR, 'softmoe_vit_permuted.onnx');
    const run = cli(
      'compare',
      model('softmoe_vit'),
      permuted,
      '--inputs',
      INPUTS,
      '--labels',
      LABELS,
      '--batch',
      '16',
      '--json',
      out,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /^A: softmoe_vit\.onnx \(accuracy 78\.1%\) {3}B: softmoe_vit_permuted\.onnx \(accuracy 78\.1%\)$/m,
    );
    assert.match(run.stdout, /^64 samples from inputs\.npy on cpu; predictions agree on 100\.0%$/m);
    assert.match(
      run.stdout,
      /^blocks\.2\.mlp +blocks\.2\.mlp +id +soft_moe 8↔8 +1\.000 \(rand .*\) +100\.0% +100\.0% \(k=2\) +0\.0000 /m,
    );
    const recorded = JSON.parse(readFileSync(join(COMPARE_DIR, 'softmoe_vit_permuted.json'), 'utf8')).layers;
    const arrows = (aToB: number[]) => aToB.map((j, i) => `${i}→${j}`).join(' ');
    assert.ok(
      run.stdout.includes(`blocks.2.mlp: experts A→B ${arrows(recorded['blocks.2.mlp'].aToB)};`),
      run.stdout,
    );
    assert.match(
      run.stdout,
      new RegExp(`comparison written to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );

    const json = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(json.schema, 'moe-scope/comparison@1');
    assert.equal(json.a.schema, 'moe-scope/report@1');
    assert.equal(json.b.model.path, permuted);
    assert.ok(Array.isArray(json.a.perSample[0].layers['blocks.2.mlp'].combine), 'matrices as nested arrays');
    assert.equal(json.comparison.predictionAgreement, 1);
    for (const layer of json.comparison.layers) {
      assert.deepEqual(layer.matching, recorded[layer.a].aToB);
      assert.equal(layer.top1Agreement, 1);
      assert.ok(layer.jsDivergence < 1e-6);
    }
  });

  it('--quiet prints nothing; different expert counts are compared with a note', () => {
    const quiet = cli(
      'compare',
      model('softmoe_vit'),
      model('softmoe_vit_plain'),
      '--inputs',
      INPUTS,
      '--quiet',
    );
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stdout, '');
    const loud = cli(
      'compare',
      model('softmoe_vit'),
      model('softmoe_vit_plain'),
      '--inputs',
      INPUTS,
      '--limit',
      '16',
    );
    assert.equal(loud.code, 0, loud.stderr);
    assert.match(loud.stdout, /blocks\.2\.mlp +blocks\.2\.mixer +order-and-kind +soft_moe 8↔16/);
    assert.match(
      loud.stdout,
      /note: A has 8 experts and B 16: 8 pairs aligned, 8 experts of B have no counterpart/,
    );
  });

  it('exit codes as for analyze: 3 without MoE layers, 1 on other errors, 2 on usage; one line on stderr', () => {
    const none = cli('compare', model('softmoe_vit'), model('dense_vit'), '--inputs', INPUTS, '--limit', '4');
    assert.equal(none.code, 3);
    assert.equal(none.stdout, '');
    assert.equal(none.stderr.trim().split('\n').length, 1, none.stderr);
    assert.match(none.stderr, /^moe-scope: Model B: No MoE layer found in dense_vit\.onnx/);

    const mismatch = cli('compare', model('softmoe_vit'), model('text_topk'));
    assert.equal(mismatch.code, 1);
    assert.equal(mismatch.stderr.trim().split('\n').length, 1, mismatch.stderr);
    assert.match(
      mismatch.stderr,
      /cannot run on the same inputs: A takes 'pixels' float32 \[batch, 1, 28, 28\] but B takes 'input_ids' int64 \[batch, 24\]/,
    );

    const missing = cli('compare', model('softmoe_vit'), join(scratch, 'missing.onnx'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Model file not found: .*missing\.onnx/);

    const one = cli('compare', model('softmoe_vit'));
    assert.equal(one.code, 2);
    assert.match(one.stderr, /^moe-scope: compare takes exactly two models: A\.onnx B\.onnx/);
    assert.equal(cli('compare', model('softmoe_vit'), model('softmoe_vit'), '--limit', '0').code, 2);
    assert.equal(cli('compare', model('softmoe_vit'), model('softmoe_vit'), '--specialisation').code, 2);
    assert.match(cli('--help').stdout, /moe-scope compare A\.onnx B\.onnx \[options\]/);
  });
});
