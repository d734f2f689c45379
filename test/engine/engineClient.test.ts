import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineClient } from '../../src/host/engineClient';
import { cancellation, startEngine } from '../support/engine';
import { DEMO_MODEL, loadFixtures, REPO_ROOT } from '../support/fixtures';

describe('engine process', () => {
  let client: EngineClient;
  const logs: string[] = [];
  const fixtures = loadFixtures();
  const scratch = mkdtempSync(join(tmpdir(), 'moe-scope-engine-'));

  beforeEach(() => {
    client = startEngine((line) => logs.push(line));
  });
  afterEach(() => client.dispose());

  it('loads ONNX Runtime in its own process and reports the bundled providers', async () => {
    const ping = await client.request('moeScope/ping', {});
    assert.ok(ping.ok, JSON.stringify(ping));
    assert.notEqual(ping.value.pid, process.pid);
    assert.equal(ping.value.ortVersion, '1.30.0');
    assert.ok(ping.value.providers.includes('cpu'), ping.value.providers.join());
    assert.equal(ping.value.nodeVersion, process.versions.node);
  });

  it('passes a Float32Array across the process boundary as binary, bit for bit', async () => {
    const payload = new Float32Array(1 << 20).map((_, i) => Math.sin(i) * 1e3);
    payload[7] = Number.NaN;
    payload[8] = -Infinity;
    const ping = await client.request('moeScope/ping', { echo: payload });
    assert.ok(ping.ok);
    assert.ok(ping.value.echo instanceof Float32Array);
    assert.deepEqual(new Uint8Array(ping.value.echo.buffer), new Uint8Array(payload.buffer));
  });

  it('inspects every fixture exactly as the onnx package read it', async function () {
    assert.ok(fixtures.length >= 7, `expected the committed fixtures, found ${fixtures.length}`);
    for (const { name, modelPath, reference } of fixtures) {
      const outcome = await client.request('moeScope/inspect', { modelPath });
      assert.ok(outcome.ok, `${name}: ${JSON.stringify(outcome)}`);
      const s = outcome.value;
      assert.equal(s.nodeCount, reference.nodeCount, `${name} nodeCount`);
      assert.equal(s.opset, reference.opset, `${name} opset`);
      assert.equal(s.irVersion, reference.irVersion, `${name} irVersion`);
      assert.deepEqual(s.producer, reference.producer, `${name} producer`);
      assert.deepEqual(s.inputs, reference.inputs, `${name} inputs`);
      assert.deepEqual(s.outputs, reference.outputs, `${name} outputs`);
    }
  });

  it('analyzes the demo in the engine: progress per batch, per-sample matrices arrive as Float32Array', async () => {
    const progress: number[] = [];
    const outcome = await client.request(
      'moeScope/analyze',
      {
        modelPath: DEMO_MODEL,
        inputsPath: join(REPO_ROOT, 'media', 'demo', 'fashion-mnist-test.npz'),
        batchSize: 64,
        limit: 256,
        samples: 2,
      },
      { onProgress: (p) => progress.push(p.done) },
    );
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const report = outcome.value;
    assert.deepEqual(progress, [64, 128, 192, 256]);
    assert.equal(report.samples, 256);
    assert.deepEqual(
      report.layers.map((l) => l.id),
      ['blocks.2.mlp', 'blocks.3.mlp'],
    );
    const combine = report.perSample![1]!.layers['blocks.3.mlp']!.combine!;
    assert.ok(combine.data instanceof Float32Array, 'binary, not a JSON number array');
    assert.equal(combine.data.length, combine.rows * combine.cols);
    for (let t = 0; t < combine.rows; t++) {
      const row = combine.data.subarray(t * combine.cols, (t + 1) * combine.cols);
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, `combine row ${t} sums to 1`);
    }
  });

  it('cancels an analysis in flight and keeps serving', async () => {
    const token = cancellation();
    const pending = client.request(
      'moeScope/analyze',
      {
        modelPath: DEMO_MODEL,
        inputsPath: join(REPO_ROOT, 'media', 'demo', 'fashion-mnist-test.npz'),
        batchSize: 8,
      },
      { token, onProgress: () => token.cancel() },
    );
    const outcome = await pending;
    assert.deepEqual(outcome.ok ? 'finished' : outcome.error.code, 'CANCELLED');
    assert.ok((await client.request('moeScope/ping', {})).ok);
  });

  it('relays progress and cancels a request without killing the engine', async () => {
    const token = cancellation();
    const progress: number[] = [];
    const pending = client.request(
      'moeScope/ping',
      { holdMs: 30_000 },
      { token, onProgress: (p) => progress.push(p.total) },
    );
    const pid = await waitFor(() => (progress.length > 0 ? client.pid : undefined));
    token.cancel();
    const outcome = await pending;
    assert.deepEqual(outcome.ok ? 'ok' : outcome.error.code, 'CANCELLED');
    assert.deepEqual(progress, [30_000]);
    const after = await client.request('moeScope/ping', {});
    assert.ok(after.ok);
    assert.equal(after.value.pid, pid, 'the same engine keeps serving');
  });

  it('fails in-flight requests with ENGINE_DIED when the engine is killed, then starts a fresh one', async () => {
    const first = await client.request('moeScope/ping', {});
    assert.ok(first.ok);
    const pending = client.request('moeScope/ping', { holdMs: 30_000 });
    process.kill(first.value.pid, 'SIGKILL');
    const outcome = await pending;
    assert.ok(!outcome.ok);
    assert.equal(outcome.error.code, 'ENGINE_DIED');
    assert.match(outcome.error.message, /killed \(SIGKILL\)/);
    const next = await client.request('moeScope/ping', {});
    assert.ok(next.ok);
    assert.notEqual(next.value.pid, first.value.pid);
    assert.equal(client.generation, 2);
  });

  it('answers a corrupt model with a clear error value and keeps serving', async () => {
    const source = fixtures[0]!.modelPath;
    const truncated = join(scratch, 'truncated.onnx');
    writeFileSync(truncated, readFileSync(source).subarray(0, 5000));
    const outcome = await client.request('moeScope/inspect', { modelPath: truncated });
    assert.ok(!outcome.ok);
    assert.equal(outcome.error.code, 'CORRUPT_ONNX');
    assert.match(
      outcome.error.message,
      /truncated\.onnx is not a readable ONNX model: .* the file looks truncated or corrupt/,
    );

    const copy = join(scratch, 'copy.onnx');
    copyFileSync(source, copy);
    assert.ok((await client.request('moeScope/inspect', { modelPath: copy })).ok);
  });

  it('rejects malformed parameters as BAD_REQUEST and a missing file as FILE_NOT_FOUND', async () => {
    const bad = await client.request('moeScope/inspect', { modelPath: 42 as unknown as string });
    assert.deepEqual(bad.ok ? 'ok' : bad.error.code, 'BAD_REQUEST');
    const missing = await client.request('moeScope/inspect', { modelPath: join(scratch, 'nope.onnx') });
    assert.ok(!missing.ok);
    assert.equal(missing.error.code, 'FILE_NOT_FOUND');
    assert.match(missing.error.message, /nope\.onnx/);
  });
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
