import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
    }
  });

  it('inspect prints a readable table for the bundled demo', () => {
    const run = cli('inspect', DEMO_MODEL);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /softmoe_vit\.onnx \(\d+\.\d (KiB|MiB)\)/);
    assert.match(run.stdout, /^inputs:\n {2}pixels +float32 +\[batch, 1, 28, 28\]$/m);
    assert.match(run.stdout, /^outputs:\n {2}logits +float32 +\[batch, 10\]$/m);
    assert.match(run.stdout, /opset 17/);
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
    assert.doesNotMatch(run.stderr, /\s+at /);
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
