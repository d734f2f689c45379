/**
 * Guards the engine's crash story: a dead engine fails what was in flight with ENGINE_DIED, the user
 * is told, and the next request starts a fresh engine.
 */
import * as assert from 'node:assert/strict';
import { analyzeExperts, closeAllEditors, demoUri, moeScope, panelFor, waitFor } from './helpers';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('MoE Scope engine recovery', () => {
  afterEach(async () => closeAllEditors(await moeScope()));

  it('fails a request in flight with ENGINE_DIED when the engine is killed, then starts a new engine', async () => {
    const { engine } = await moeScope();
    const client = engine.client;
    const warm = await client.request('moeScope/ping', {});
    assert.ok(warm.ok);
    const pid = client.pid;
    assert.equal(pid, warm.value.pid);
    const generation = client.generation;

    let holding!: () => void;
    const inFlight = new Promise<void>((resolve) => (holding = resolve));
    const held = client.request('moeScope/ping', { holdMs: 30_000 }, { onProgress: () => holding() });
    await inFlight; // The engine has started holding the reply.
    process.kill(pid!, 'SIGKILL');

    const outcome = await held;
    assert.equal(outcome.ok, false);
    if (outcome.ok) return;
    assert.equal(outcome.error.code, 'ENGINE_DIED');
    assert.match(outcome.error.message, /killed \(SIGKILL\)/);
    assert.equal(isAlive(pid!), false, 'the old engine is gone');

    const next = await client.request('moeScope/ping', {});
    assert.ok(next.ok, 'a new request succeeds');
    assert.notEqual(next.value.pid, pid);
    assert.equal(client.pid, next.value.pid);
    assert.equal(client.generation, generation + 1);
  });

  it('tells the user when the engine dies during Analyze Experts, and the next run works', async () => {
    const api = await moeScope();
    const client = api.engine.client;
    assert.ok((await client.request('moeScope/ping', {})).ok);
    const pid = client.pid!;
    const generation = client.generation;

    // Freeze the engine so the command's request is certainly in flight when the engine dies.
    process.kill(pid, 'SIGSTOP');
    try {
      const command = analyzeExperts(demoUri());
      await waitFor(
        'the panel to show it is reading the model',
        () => panelFor(api, demoUri())?.lastMessage?.type === 'busy',
      );
      process.kill(pid, 'SIGKILL');
      assert.equal(await command, undefined, 'the command reports failure');
    } finally {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }

    const shown = api.engine.recentErrors.at(-1) ?? '';
    assert.match(
      shown,
      /^MoE Scope: Reading softmoe_vit\.onnx failed\. The MoE Scope engine process was killed \(SIGKILL\)/,
    );
    const message = panelFor(api, demoUri())?.lastMessage;
    assert.equal(message?.type === 'error' && message.error.code, 'ENGINE_DIED');

    assert.ok(await analyzeExperts(demoUri()), 'running the command again works');
    assert.equal(panelFor(api, demoUri())?.lastMessage?.type, 'report');
    assert.notEqual(client.pid, pid);
    assert.ok(client.generation > generation);
  });
});
