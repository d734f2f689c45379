import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_MODEL, loadFixtures, REPO_ROOT } from '../support/fixtures';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('moe-scope CLI', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'moe-scope-cli-'));

  it('inspect --json reports each fixture as the onnx package did', () => {
    for (const { name, modelPath, reference } of loadFixtures()) {
      const run = cli('inspect', modelPath, '--json');
      assert.equal(run.code, 0, `${name}: ${run.stderr}`);
      const summary = JSON.parse(run.stdout);
      assert.equal(summary.nodeCount, reference.nodeCount, name);
      assert.deepEqual(summary.inputs, reference.inputs, name);
      assert.deepEqual(summary.outputs, reference.outputs, name);
      assert.equal(summary.opset, reference.opset, name);
      // The layers the graph shows, without running it: the ones PyTorch's modules define.
      const layers = reference.layers as {
        id: string;
        kind: string;
        experts: number;
        slotsPerExpert?: number;
        k?: number;
        capacity?: number;
      }[];
      assert.deepEqual(
        summary.layers.map(
          (l: { id: string; kind: string; experts?: number; slotsPerExpert?: number; k?: number }) => [
            l.id,
            l.kind,
            l.experts,
            l.slotsPerExpert ?? l.k,
          ],
        ),
        layers.map((l) => [l.id, l.kind, l.experts, l.slotsPerExpert ?? l.k ?? l.capacity]),
        name,
      );
      if (layers.length === 0) assert.match(summary.searched, /^searched \d+ nodes/, name);
    }
  });

  it('inspect prints a readable table for the bundled demo', () => {
    const run = cli('inspect', DEMO_MODEL);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /softmoe_vit\.onnx \(\d+\.\d (KiB|MiB)\)/);
    assert.match(run.stdout, /^inputs:\n {2}pixels +float32 +\[batch, 1, 28, 28\]$/m);
    assert.match(run.stdout, /^outputs:\n {2}logits +float32 +\[batch, 10\]$/m);
    assert.match(run.stdout, /opset 17/);
    assert.match(
      run.stdout,
      /^MoE layers \(from the graph; a run confirms them[^\n]*\n {2}layer +kind +experts +source\n {2}blocks\.2\.mlp +soft_moe +8×2 slots\n {2}blocks\.3\.mlp +soft_moe +8×2 slots$/m,
    );
  });

  it('inspect says what it searched when a model has no MoE layer', () => {
    const dense = loadFixtures().find((f) => f.name === 'dense_vit')!;
    const run = cli('inspect', dense.modelPath);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /^MoE layers: none found \(searched \d+ nodes: \d+ Softmax, \d+ Sigmoid, 0 TopK and 0 ArgMax nodes/m,
    );
  });

  it('exits 1 with one clear line, no stack trace, on a file that is not ONNX', () => {
    const path = join(scratch, 'notes.onnx');
    writeFileSync(path, 'these are my notes, not a model\n'.repeat(20));
    const run = cli('inspect', path);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, /^moe-scope: notes\.onnx is not (an|a readable) ONNX model/);
    assert.doesNotMatch(run.stderr, /\n\s+at .*:\d+:\d+/);
  });

  it('exits 1 naming a missing file, and 2 on usage errors', () => {
    const missing = cli('inspect', join(scratch, 'missing.onnx'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Model file not found: .*missing\.onnx/);
    assert.equal(cli().code, 2);
    const unknown = cli('inspect', DEMO_MODEL, '--frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown option '--frobnicate'/);
    assert.equal(cli('explode').code, 2);
  });

  it('prints its version and help', () => {
    assert.match(cli('--version').stdout, /^\d+\.\d+\.\d+\n$/);
    const help = cli('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /moe-scope inspect MODEL\.onnx/);
  });
});

describe('moe-scope analyze', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'moe-scope-analyze-'));
  const demoInputs = join(REPO_ROOT, 'media', 'demo', 'fashion-mnist-test.npz');

  it('prints the per-layer table for the demo and writes a moe-scope/report@1 JSON', () => {
    const out = join(scratch, 'report.json');
    const run = cli(
      'analyze',
      DEMO_MODEL,
      '--inputs',
      demoInputs,
      '--limit',
      '128',
      '--samples',
      '3',
      '--json',
      out,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /softmoe_vit\.onnx: 128 samples from fashion-mnist-test\.npz on cpu/);
    assert.match(run.stdout, /^blocks\.2\.mlp +soft_moe +8×2 slots +16 /m);
    assert.match(run.stdout, /^blocks\.3\.mlp +soft_moe +8×2 slots +16 /m);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(report.schema, 'moe-scope/report@1');
    assert.equal(report.samples, 128);
    assert.match(report.model.sha256, /^[0-9a-f]{64}$/);
    assert.equal(report.perSample.length, 3);
    const combine: number[][] = report.perSample[0].layers['blocks.2.mlp'].combine;
    assert.equal(combine.length, 16);
    for (const row of combine) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    const load: number[] = report.layers[0].summary.expertLoad;
    assert.equal(load.length, 8);
    assert.ok(Math.abs(load.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  });

  it('exits 3 for a model without MoE layers, saying what was searched', () => {
    const dense = loadFixtures().find((f) => f.name === 'dense_vit')!;
    const run = cli('analyze', dense.modelPath, '--quiet');
    assert.equal(run.code, 3);
    assert.match(run.stderr, /^moe-scope: No MoE layer found in dense_vit\.onnx: searched \d+ nodes/);
    assert.equal(run.stderr.trim().split('\n').length, 1);
  });

  it('exits 2 on a bad option value and 1 with one line on a truncated model', () => {
    assert.equal(cli('analyze', DEMO_MODEL, '--batch', 'zero').code, 2);
    assert.equal(cli('analyze', DEMO_MODEL, '--provider', 'tpu').code, 2);
    const cut = join(scratch, 'cut.onnx');
    writeFileSync(cut, readFileSync(DEMO_MODEL).subarray(0, 100_000));
    const run = cli('analyze', cut);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^moe-scope: cut\.onnx is not a readable ONNX model: .*truncated/);
    assert.doesNotMatch(run.stderr, /\n\s+at .*:\d+:\d+/);
  });

  it('falls back to CPU with a note when CUDA is asked for but not installed', () => {
    const run = cli('analyze', DEMO_MODEL, '--inputs', demoInputs, '--limit', '16', '--provider', 'cuda');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /on cpu/);
    assert.match(run.stdout, /note: CUDA provider not installed .*falling back/);
  });
});
