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

  it('accept only bare file names and the data each export format needs', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47]);
    assert.ok(isFromPanel({ type: 'export', format: 'png', fileName: 'layers.png', data: png }));
    assert.ok(isFromPanel({ type: 'export', format: 'csv', fileName: 'combine.csv', data: 'a,b\n1,2' }));
    assert.ok(isFromPanel({ type: 'export', format: 'json', fileName: 'report.json' }));
    assert.ok(isFromPanel({ type: 'export', format: 'html', fileName: 'report.html' }));
    assert.ok(
      !isFromPanel({ type: 'export', format: 'png', fileName: '../../.bashrc', data: png }),
      'no paths',
    );
    assert.ok(!isFromPanel({ type: 'export', format: 'png', fileName: 'a.png', data: 'not bytes' }));
    assert.ok(!isFromPanel({ type: 'export', format: 'csv', fileName: 'a.csv' }), 'CSV needs its text');
    assert.ok(
      !isFromPanel({ type: 'export', format: 'json', fileName: 'a.json', data: '{}' }),
      'the host writes JSON',
    );
    assert.ok(!isFromPanel({ type: 'export', format: 'exe', fileName: 'a.exe', data: png }));
    assert.ok(isFromPanel({ type: 'select', layer: 'blocks.2.mlp', sample: 3 }));
    assert.ok(!isFromPanel({ type: 'select', layer: 'blocks.2.mlp', sample: -1 }));
    assert.ok(!isFromPanel({ type: 'select', layer: 'blocks.2.mlp', sample: 0.5 }));
    assert.ok(isFromPanel({ type: 'goToSource', layer: 'blocks.2.mlp' }));
    assert.ok(!isFromPanel({ type: 'goToSource', layer: '' }));
    assert.ok(isFromPanel({ type: 'refresh', pickInputs: true }));
    assert.ok(!isFromPanel({ type: 'refresh', pickInputs: 'yes' }));
  });

  it('recognise report snapshots and reveals sent to the panel', () => {
    assert.ok(isToPanel({ type: 'report', report: { schema: 'moe-scope/report@1', layers: [] } }));
    assert.ok(!isToPanel({ type: 'report', report: { schema: 'moe-scope/report@2', layers: [] } }));
    assert.ok(!isToPanel({ type: 'report', report: { schema: 'moe-scope/report@1' } }));
    assert.ok(isToPanel({ type: 'reveal', layer: 'blocks.3.mlp' }));
    assert.ok(isToPanel({ type: 'reveal', sample: 2 }));
    assert.ok(!isToPanel({ type: 'reveal', layer: 3 }));
    assert.ok(isPanelState({ modelPath: '/m.onnx', ui: { view: 'overview' } }));
    assert.ok(!isPanelState({ modelPath: '/m.onnx', ui: 'overview' }));
  });
});
