import assert from 'node:assert/strict';
import { isFromEngine, isToEngine } from '../../src/protocol/engine';
import { isFromPanel, isPanelState, isToPanel } from '../../src/protocol/webview';

describe('protocol guards', () => {
  it('accept well-formed engine messages and reject everything else', () => {
    assert.ok(
      isToEngine({ kind: 'request', id: 1, method: 'moeScope/inspect', params: { modelPath: 'a.onnx' } }),
    );
    assert.ok(isToEngine({ kind: 'cancel', id: 4 }));
    assert.ok(!isToEngine({ kind: 'request', id: 1, method: 'moeScope/rm-rf', params: {} }));
    assert.ok(!isToEngine({ kind: 'request', id: -1, method: 'moeScope/ping', params: {} }));
    assert.ok(!isToEngine({ kind: 'request', id: 1.5, method: 'moeScope/ping', params: {} }));
    assert.ok(!isToEngine('moeScope/ping'));
    assert.ok(!isToEngine(null));
    assert.ok(isFromEngine({ kind: 'response', id: 2, ok: true, result: {} }));
    assert.ok(
      isFromEngine({ kind: 'response', id: 2, ok: false, error: { code: 'INTERNAL', message: 'x' } }),
    );
    assert.ok(!isFromEngine({ kind: 'response', id: 2, ok: false }));
    assert.ok(isFromEngine({ kind: 'progress', id: 2, progress: { done: 1, total: 2 } }));
    assert.ok(!isFromEngine({ kind: 'progress', progress: { done: 1, total: 2 } }));
  });

  it('validate webview messages and restored state', () => {
    assert.ok(isFromPanel({ type: 'ready' }));
    assert.ok(isFromPanel({ type: 'refresh' }));
    assert.ok(!isFromPanel({ type: 'runShell', command: 'ls' }));
    assert.ok(isToPanel({ type: 'busy', modelPath: '/m.onnx', message: 'Reading' }));
    assert.ok(!isToPanel({ type: 'summary', summary: {} }));
    assert.ok(isToPanel({ type: 'error', modelPath: '/m.onnx', error: { code: 'NOT_ONNX', message: 'x' } }));
    assert.ok(isPanelState({ modelPath: '/m.onnx' }));
    assert.ok(!isPanelState({ modelPath: '' }));
    assert.ok(!isPanelState(undefined));
  });
});
