/**
 * Guards "MoE Scope: Analyze Experts" in a real VS Code: the panel beside the code with the report
 * of the bundled inputs, the report store and status bar, bad models, restoring a panel, and text
 * models whose routed tokens are coloured in the editor.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { tokenExperts } from '../../src/core/report/tokenRouting';
import { ANALYSIS_VIEW_TYPE } from '../../src/host/analysisPanel';
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

  it('analyses the demo on the bundled inputs in a panel beside the Python editor', async () => {
    const api = await moeScope();
    const code = await vscode.window.showTextDocument(
      await vscode.workspace.openTextDocument(workspaceUri('model.py')),
      vscode.ViewColumn.One,
    );
    assert.equal(code.viewColumn, vscode.ViewColumn.One);

    const report = await analyzeExperts(demoUri());
    assert.ok(report, 'the command returns the report');
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

    // The routing report, then the same report with the specialization study added.
    const message = entry.lastMessage;
    assert.equal(message?.type, 'report');
    if (message?.type !== 'report') return;
    const shown = message.report;
    assert.equal(shown.model.path, demoUri().fsPath);
    assert.equal(shown.inputs.count, 256, 'moeScope.maxInputs bounds the run');
    assert.equal(shown.provider, 'cpu');
    assert.deepEqual(
      shown.layers.map((l) => [l.kind, l.experts, l.slotsPerExpert]),
      report.layers.map(() => ['soft_moe', 8, 2]),
    );
    for (const layer of shown.layers) {
      const total = layer.summary.expertLoad.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(total - 1) < 1e-6, `${layer.id}: expert load sums to 1 (${total})`);
    }
    assert.ok(shown.specialization, 'the specialization study was added');
    assert.equal(shown.specialization.inputs, 32, 'on moeScope.specialization.inputs inputs');
    const image = shown.perSample?.[0]?.image;
    assert.ok(image, 'image inputs travel with the per-sample detail');
    assert.deepEqual([image.height, image.width, image.channels], [28, 28, 1]);
    assert.equal(Math.max(...image.data), 255, 'min–max scaled');
    assert.equal(Math.min(...image.data), 0, 'min–max scaled');

    assert.equal(api.reports.get(demoUri().fsPath), shown, 'the store keeps the latest report');
    assert.equal(api.status.text, '$(circuit-board) MoE: cpu', 'the status bar names the provider that ran');
    assert.equal(api.recent.paths[0], demoUri().fsPath, 'the checkpoint heads the recent list');
  });

  it('restores a panel after a reload from the stored report, without running the model', async () => {
    const api = await moeScope();
    const report = await analyzeExperts(demoUri());
    assert.ok(report);
    await closeAllEditors(api);
    const panel = vscode.window.createWebviewPanel(ANALYSIS_VIEW_TYPE, 'restored', vscode.ViewColumn.One);
    await api.panels.deserializeWebviewPanel(panel, {
      modelPath: demoUri().fsPath,
      ui: { view: 'overview' },
    });
    const message = panelFor(api, demoUri())?.lastMessage;
    assert.equal(message?.type, 'report');
    assert.equal(
      message?.type === 'report' && message.report.createdAt,
      api.reports.get(demoUri().fsPath)?.createdAt,
    );
    assert.equal(message?.type === 'report' && message.stale, false, 'the checkpoint has not changed');
  });

  it('reveals a layer from "Open in MoE Scope" (hover, tree): opens the stored report and selects the layer', async () => {
    const api = await moeScope();
    const report = await analyzeExperts(demoUri());
    assert.ok(report);
    await closeAllEditors(api);
    const layer = report.layers[1]!.id;
    const shown = await vscode.commands.executeCommand('moeScope.revealLayer', {
      modelPath: demoUri().fsPath,
      layer,
    });
    assert.equal(shown, true);
    const entry = panelFor(api, demoUri());
    assert.ok(entry, 'the panel opened again');
    assert.equal(entry.lastMessage?.type, 'report', 'with the stored report, without running the model');
    assert.deepEqual(entry.lastReveal, { type: 'reveal', layer });
  });

  it('shows a truncated model as an error naming the file, and keeps working', async () => {
    const api = await moeScope();
    const bytes = readFileSync(demoUri().fsPath);
    const broken = workspaceUri('truncated_copy.onnx');
    writeFileSync(broken.fsPath, bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
    try {
      assert.equal(await analyzeExperts(broken), undefined, 'the command reports failure');
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

      assert.ok(await analyzeExperts(demoUri()), 'the next model still runs');
      assert.equal(panelFor(api, demoUri())?.lastMessage?.type, 'report');
    } finally {
      rmSync(broken.fsPath, { force: true });
    }
  });

  it('colours the tokens of an analysed selection by their top expert in the editor', async () => {
    const api = await moeScope();
    const text = workspaceUri('text', 'notice.txt');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(text));
    const line = editor.document.lineAt(0);
    editor.selection = new vscode.Selection(line.range.start, line.range.end);
    const report = await analyzeExperts(workspaceUri('text', 'text_topk.onnx'), { kind: 'selection' });
    assert.ok(report, 'the text model ran on the selection');
    assert.equal(report.inputs.count, 1, 'a selection is one sample');
    const sample = report.perSample?.[0];
    assert.ok(sample?.tokens, 'the report keeps the tokens');
    const layer = report.layers[0]!;
    assert.equal(layer.kind, 'topk');

    const applied = await waitFor('decorations on the text', () =>
      api.decorations.applied.get(text.toString()),
    );
    assert.equal(applied.layer, layer.id);
    const words = sample.tokens.filter((t) => /^[a-z]+$/.test(t));
    assert.equal(applied.tokens.length >= words.length, true, 'every word token is decorated');
    for (const token of applied.tokens) {
      assert.equal(token.range.start.line, 0, 'only the selected line is decorated');
      assert.equal(editor.document.getText(token.range).toLowerCase(), token.text.toLowerCase());
    }
    // Each decorated token's colour is its top expert in the report's router probabilities.
    const detail = sample.layers[layer.id]!;
    const firstWord = sample.tokens.indexOf('permission');
    assert.ok(firstWord >= 0);
    const top = tokenExperts(detail, firstWord).experts[0]!.expert;
    const probs = detail.probs!;
    const row = Array.from(probs.data.subarray(firstWord * probs.cols, (firstWord + 1) * probs.cols));
    assert.equal(top, row.indexOf(Math.max(...row)));
    assert.equal(applied.tokens[0]!.text.toLowerCase(), 'permission');
    assert.equal(applied.tokens[0]!.expert, top);
  });
});
