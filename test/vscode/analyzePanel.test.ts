/** Guards "MoE Scope: Analyze Experts": the panel beside the code, its snapshot, and bad models. */
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  analyzeExperts,
  closeAllEditors,
  demoUri,
  moeScope,
  panelFor,
  waitFor,
  workspaceUri,
} from './helpers';

describe('MoE Scope: Analyze Experts', () => {
  afterEach(async () => closeAllEditors(await moeScope()));

  it('opens the demo model summary in a visible panel beside the Python editor', async () => {
    const api = await moeScope();
    const code = await vscode.window.showTextDocument(
      await vscode.workspace.openTextDocument(workspaceUri('model.py')),
      vscode.ViewColumn.One,
    );
    assert.equal(code.viewColumn, vscode.ViewColumn.One);

    assert.equal(await analyzeExperts(demoUri()), true);
    const entry = panelFor(api, demoUri());
    assert.ok(entry, 'a panel is open for the demo model');
    // The workbench resolves "beside" and reports the panel's column back asynchronously.
    await waitFor(
      'the panel to be placed in an editor column',
      () => entry.panel.viewColumn !== undefined && entry.panel.visible,
    );
    assert.equal(entry.panel.viewColumn, vscode.ViewColumn.Two, 'the panel opened beside the editor');
    assert.equal(entry.panel.title, 'MoE Scope: softmoe_vit.onnx');
    assert.ok(
      vscode.window.visibleTextEditors.some(
        (e) => e.document.uri.path.endsWith('/model.py') && e.viewColumn === vscode.ViewColumn.One,
      ),
      'the Python file stays visible in the first column',
    );
    assert.equal(vscode.window.tabGroups.all.length, 2, 'two editor groups side by side');

    const message = entry.lastMessage;
    assert.equal(message?.type, 'summary');
    if (message?.type !== 'summary') return;
    assert.equal(message.summary.path, demoUri().fsPath);
    assert.deepEqual(message.summary.inputs, [
      { name: 'pixels', dtype: 'float32', shape: ['batch', 1, 28, 28] },
    ]);
    assert.deepEqual(
      message.summary.outputs.map((o) => o.name),
      ['logits'],
    );
    assert.equal(message.summary.outputs[0]?.dtype, 'float32');
    assert.ok(message.summary.nodeCount > 0, 'the graph has nodes');
    assert.equal(
      Object.values(message.summary.opTypes).reduce((a, b) => a + b, 0),
      message.summary.nodeCount,
      'operator counts add up to the node count',
    );
  });

  it('shows a truncated model as an error naming the file, and keeps working', async () => {
    const api = await moeScope();
    const bytes = readFileSync(demoUri().fsPath);
    const broken = workspaceUri('truncated_copy.onnx');
    writeFileSync(broken.fsPath, bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
    try {
      assert.equal(await analyzeExperts(broken), false, 'the command reports failure');
      const entry = panelFor(api, broken);
      assert.ok(entry, 'a panel is open for the broken model');
      const message = entry.lastMessage;
      assert.equal(message?.type, 'error');
      if (message?.type !== 'error') return;
      assert.equal(message.error.code, 'CORRUPT_ONNX');
      assert.match(message.error.message, /truncated_copy\.onnx/);
      assert.match(message.error.message, /truncated or corrupt/);
      const shown = api.engine.recentErrors.at(-1) ?? '';
      assert.match(
        shown,
        /^MoE Scope: Reading truncated_copy\.onnx failed\. truncated_copy\.onnx is not a readable ONNX model/,
      );

      assert.equal(await analyzeExperts(demoUri()), true, 'the next model still opens');
      assert.equal(panelFor(api, demoUri())?.lastMessage?.type, 'summary');
    } finally {
      rmSync(broken.fsPath, { force: true });
    }
  });
});
