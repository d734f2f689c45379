/**
 * Guards the process boundary of the design: the extension host never loads onnxruntime-node;
 * the engine child process does.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { analyzeExperts, closeAllEditors, demoUri, EXTENSION_ID, moeScope } from './helpers';

/** Native libraries and modules of this process whose path mentions onnxruntime. */
function onnxRuntimeInThisProcess(): { mapped: string[]; required: string[] } {
  const mapped = readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .filter((line) => /onnxruntime/i.test(line));
  // Node's module cache (what `require.cache` is outside a bundle).
  const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;
  const required = Object.keys(cache).filter((path) => /onnxruntime/i.test(path));
  return { mapped, required };
}

describe('MoE Scope activation', () => {
  afterEach(async () => closeAllEditors(await moeScope()));

  it('keeps ONNX Runtime out of the extension host while the engine process loads it', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is loaded`);
    const api = await moeScope();
    assert.equal(extension.isActive, true);
    assert.ok(await analyzeExperts(demoUri()), 'Analyze Experts succeeds on the demo model');

    const here = onnxRuntimeInThisProcess();
    assert.deepEqual(here.mapped, [], 'no onnxruntime library is mapped into the extension host');
    assert.deepEqual(here.required, [], 'no onnxruntime module is in the extension host module cache');
    const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;
    assert.ok(
      Object.keys(cache).some((path) => path === join(extension.extensionPath, 'dist', 'extension.js')),
      'the module cache inspected is the one that loaded MoE Scope',
    );

    const ping = await api.engine.client.request('moeScope/ping', {});
    assert.ok(ping.ok, `engine ping failed: ${!ping.ok && ping.error.message}`);
    const expected = JSON.parse(
      readFileSync(join(extension.extensionPath, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8'),
    ) as {
      version: string;
    };
    assert.equal(
      ping.value.ortVersion,
      expected.version,
      'the engine reports the installed onnxruntime-node version',
    );
    assert.ok(
      ping.value.providers.includes('cpu'),
      `providers ${ping.value.providers.join(', ')} include cpu`,
    );
    assert.notEqual(ping.value.pid, process.pid, 'the engine is another process');
    assert.equal(ping.value.pid, api.engine.client.pid);
    const engineMaps = readFileSync(`/proc/${ping.value.pid}/maps`, 'utf8');
    assert.match(
      engineMaps,
      /libonnxruntime|onnxruntime_binding\.node/,
      'the engine process mapped ONNX Runtime',
    );
  });
});
