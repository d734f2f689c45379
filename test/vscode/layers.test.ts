/**
 * Guards the MoE Layers tree, CodeLens, Go to Source and stale marking in a real VS Code, on a
 * copy of the demo checkpoint analysed by the real CLI beside model code shaped like the code that
 * exported it.
 */
import * as assert from 'node:assert/strict';
import { appendFileSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Report } from '../../src/core/report/types';
import type { LayerNode } from '../../src/host/layers/layerTree';
import { analyzeWithCli, closeAllEditors, modelFolder, moeScope, waitFor } from './helpers';

function lineOf(file: string, needle: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `"${needle}" is in ${file}`);
  return line;
}

async function lensesAt(uri: vscode.Uri, line: number): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
    'vscode.executeCodeLensProvider',
    uri,
    100,
  );
  return lenses
    .filter((l) => l.range.start.line === line && l.command?.command === 'moeScope.revealLayer')
    .map((l) => l.command!.title);
}

describe('layers: tree, CodeLens, Go to Source and stale checkpoints', function () {
  this.timeout(120_000);
  const made: string[] = [];
  let folder: string;
  let model: string;
  let report: Report;

  before(async () => {
    const api = await moeScope();
    ({ folder, model } = modelFolder('layers'));
    made.push(folder);
    report = analyzeWithCli(model);
    await api.reports.put(report);
  });

  afterEach(async () => closeAllEditors(await moeScope()));

  after(async () => {
    await vscode.workspace.getConfiguration('moeScope').update('codeLens.enabled', undefined);
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the analysed checkpoint and its layers, each opening in MoE Scope', async () => {
    const { layers } = await moeScope();
    const checkpoint = layers.tree.getChildren().find((n) => n.modelPath === model);
    assert.ok(checkpoint, 'the checkpoint is a root of the tree');
    const item = layers.tree.getTreeItem(checkpoint);
    assert.equal(item.label, 'softmoe_vit.onnx');
    assert.equal(item.description, `2 MoE layers · ${report.samples} samples`);

    const children = layers.tree.getChildren(checkpoint);
    assert.deepEqual(
      children.map((n) => (n.type === 'layer' ? n.layerId : '')),
      report.layers.map((l) => l.id),
    );
    for (const [i, node] of children.entries()) {
      const layer = report.layers[i]!;
      const summary = layer.summary;
      assert.equal(summary.kind, 'soft_moe');
      if (summary.kind !== 'soft_moe') continue;
      const child = layers.tree.getTreeItem(node);
      assert.equal(child.label, layer.id);
      assert.equal(
        child.description,
        `Soft MoE 8 experts × 2 slots · CV ${summary.balance.cv.toFixed(3)} · entropy ${summary.combineEntropy.toFixed(3)}`,
      );
      assert.equal(child.contextValue, 'moeScope.layer', 'the layer has the Go to Source menu');
      assert.equal(child.command?.command, 'moeScope.revealLayer');
      assert.deepEqual(child.command?.arguments, [{ modelPath: model, layer: layer.id }]);
      assert.deepEqual(layers.tree.getParent(node), checkpoint);
    }
  });

  it('goes to the `self.mlp` line that creates blocks.3.mlp, from the command and from a tree node', async () => {
    const expected = lineOf(join(folder, 'vit_moe.py'), 'self.mlp = SoftMoE');
    const opened = await vscode.commands.executeCommand('moeScope.goToSource', {
      modelPath: model,
      layer: 'blocks.3.mlp',
    });
    assert.equal(opened, true);
    const editor = vscode.window.activeTextEditor;
    assert.equal(
      editor?.document.uri.fsPath,
      join(folder, 'vit_moe.py'),
      'the model code next to the checkpoint',
    );
    assert.equal(editor?.selection.start.line, expected);
    assert.equal(editor?.document.getText(editor.selection), 'mlp');

    await closeAllEditors(await moeScope());
    const { layers } = await moeScope();
    const node: LayerNode = { type: 'layer', modelPath: model, layerId: 'blocks.2.mlp' };
    assert.equal(await vscode.commands.executeCommand('moeScope.goToSource', node), true);
    assert.equal(vscode.window.activeTextEditor?.selection.start.line, expected);
    const location = await layers.goToLayerSource(model, 'blocks.2.mlp');
    assert.equal(location?.uri.fsPath, join(folder, 'vit_moe.py'));
    assert.equal(location?.range.start.line, expected);
  });

  it("goes to the exporter's recorded file:line when the report has one", async () => {
    const api = await moeScope();
    const { folder: exported, model: exportedModel } = modelFolder('exported');
    made.push(exported);
    const line = lineOf(join(exported, 'vit_moe.py'), 'return x + self.mlp');
    // What the dynamo exporter records: the user's frame, as a path of the machine that exported.
    const withSource = analyzeWithCli(exportedModel);
    withSource.layers[0]!.source = { file: '/home/trainer/project/vit_moe.py', line: line + 1 };
    await api.reports.put(withSource);
    const location = await api.layers.goToLayerSource(exportedModel, withSource.layers[0]!.id);
    assert.equal(location?.uri.fsPath, join(exported, 'vit_moe.py'));
    assert.equal(location?.range.start.line, line);
  });

  it('puts a one-line summary above `self.mlp`, and none when the setting is off', async () => {
    const uri = vscode.Uri.file(join(folder, 'vit_moe.py'));
    const line = lineOf(uri.fsPath, 'self.mlp = SoftMoE');
    const cv = report.layers.map((l) => l.summary.balance.cv.toFixed(3)).sort();
    const cvText = cv[0] === cv[1] ? cv[0] : `${cv[0]}–${cv[1]}`;
    const titles = await lensesAt(uri, line);
    const ours = titles.filter((t) => t.includes('blocks.2.mlp, blocks.3.mlp'));
    assert.equal(ours.length >= 1, true, `a lens names both layers: ${titles.join(' | ')}`);
    assert.ok(
      ours.some((t) => t.includes(`Soft MoE 8 experts × 2 slots · CV ${cvText} ·`)),
      ours.join(' | '),
    );

    await vscode.workspace.getConfiguration('moeScope').update('codeLens.enabled', false);
    assert.deepEqual(await lensesAt(uri, line), []);
    await vscode.workspace.getConfiguration('moeScope').update('codeLens.enabled', undefined);
    assert.ok((await lensesAt(uri, line)).length >= 1, 'back on by default');
  });

  it('marks a checkpoint stale once its file changes, in the tree, the hover and CodeLens, but not for a touch', async () => {
    const api = await moeScope();
    const { folder: staleFolder, model: staleModel } = modelFolder('stale');
    made.push(staleFolder);
    const staleReport = analyzeWithCli(staleModel);
    await api.reports.put(staleReport);
    const tree = api.layers.tree;
    const checkpoint = (): LayerNode => ({ type: 'checkpoint', modelPath: staleModel });
    assert.equal(await api.layers.isStale(staleModel), false, 'fresh right after the analysis');

    // Same bytes, new modification time: hashed again, still the analysed checkpoint.
    const later = new Date(statSync(staleModel).mtimeMs + 5_000);
    utimesSync(staleModel, later, later);
    assert.equal(await api.layers.isStale(staleModel), false, 'touching the file changes nothing');

    appendFileSync(staleModel, Buffer.from([0]));
    await waitFor('the tree to mark the checkpoint stale', () =>
      String(tree.getTreeItem(checkpoint()).description).endsWith(' · stale'),
    );
    assert.equal(await api.layers.isStale(staleModel), true);
    const layer = tree.getTreeItem({ type: 'layer', modelPath: staleModel, layerId: 'blocks.2.mlp' });
    assert.match(String(layer.description), / · stale$/);

    const document = await vscode.workspace.openTextDocument(
      vscode.Uri.file(join(staleFolder, 'vit_moe.py')),
    );
    const at = document.positionAt(document.getText().indexOf('self.mlp = SoftMoE') + 6);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      at,
    );
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
      .join('\n');
    const section = text.split('\n---\n').find((s) => s.includes(encodeURIComponent(staleModel)));
    assert.match(
      section ?? '',
      /\$\(warning\) \*\*Stale:\*\* `softmoe_vit\.onnx` changed since this analysis/,
    );

    const titles = await lensesAt(document.uri, at.line);
    assert.ok(
      titles.some(
        (t) => t.startsWith('$(warning) stale · MoE Scope') && t.includes('blocks.2.mlp, blocks.3.mlp'),
      ),
      titles.join(' | '),
    );
  });
});
