/**
 * Guards "MoE Scope: Compare Checkpoints" in a real VS Code: the bundled demo against its copy with
 * renumbered experts (test/fixtures/compare/softmoe_vit_permuted.onnx), chosen the way the
 * explorer passes a multi-selection, on the bundled Fashion-MNIST inputs. The comparison must see
 * through the renumbering (agreement 1, the recorded permutation) and open its panel beside the
 * editor; checkpoints that read different inputs are refused with the reason.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CompareResult } from '../../src/core/compare/types';
import { COMPARE_VIEW_TYPE } from '../../src/host/compare/comparePanel';
import { ComparisonStore } from '../../src/host/compare/comparisonStore';
import type { InputRequest } from '../../src/host/inputChoice';
import { demoUri, EXTENSION_ID, moeScope, waitFor, workspaceUri } from './helpers';

interface Recorded {
  layers: Record<string, { perm: number[]; aToB: number[] }>;
}

function fixture(...segments: string[]): vscode.Uri {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded`);
  return vscode.Uri.joinPath(extension.extensionUri, 'test', 'fixtures', ...segments);
}

/** Runs the command as the explorer does: the right-clicked file, then the whole selection. */
function compareCheckpoints(
  clicked: vscode.Uri,
  selected: vscode.Uri[],
  inputs: InputRequest = { kind: 'demo' },
): Thenable<CompareResult | undefined> {
  return vscode.commands.executeCommand<CompareResult | undefined>(
    'moeScope.compareCheckpoints',
    clicked,
    selected,
    inputs,
  );
}

function compareTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter(
      (tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('moeScope.compare'),
    );
}

describe('compare checkpoints in VS Code', () => {
  const recorded = JSON.parse(
    readFileSync(fixture('compare', 'softmoe_vit_permuted.json').fsPath, 'utf8'),
  ) as Recorded;
  const permuted = workspaceUri('compare', 'softmoe_vit_permuted.onnx');

  before(async () => {
    // The renumbered copy sits in the workspace, where a person would select it.
    await vscode.workspace.fs.copy(fixture('compare', 'softmoe_vit_permuted.onnx'), permuted, {
      overwrite: true,
    });
  });

  after(async () => {
    await vscode.workspace.fs.delete(workspaceUri('compare'), { recursive: true });
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllGroups');
    await waitFor('compare panels to close', () => compareTabs().length === 0);
  });

  it('sees through renumbered experts: agreement 1 and the recorded permutation, in a panel beside the code', async () => {
    const api = await moeScope();
    await vscode.window.showTextDocument(
      await vscode.workspace.openTextDocument(workspaceUri('model.py')),
      vscode.ViewColumn.One,
    );
    const result = await compareCheckpoints(demoUri(), [demoUri(), permuted]);
    assert.ok(result, 'the command resolves with the comparison');
    const c = result.comparison;
    assert.equal(c.a.path, demoUri().fsPath);
    assert.equal(c.b.path, permuted.fsPath);
    assert.equal(c.samples, 256, 'moeScope.maxInputs bounds the run');
    assert.equal(c.predictionAgreement, 1);
    assert.deepEqual(c.unpaired, { a: [], b: [] });
    assert.deepEqual(
      c.layers.map((l) => l.a),
      Object.keys(recorded.layers),
    );
    for (const layer of c.layers) {
      assert.equal(layer.b, layer.a, 'paired by id');
      assert.equal(layer.pairedBy, 'id');
      assert.deepEqual(
        layer.matching,
        recorded.layers[layer.a]!.aToB,
        `${layer.a}: the recorded permutation`,
      );
      assert.equal(layer.top1Agreement, 1, `${layer.a}: top-1 agreement`);
      assert.equal(layer.topkOverlap, 1, `${layer.a}: top-k overlap`);
      assert.ok(layer.jsDivergence < 1e-9, `${layer.a}: JSD ${layer.jsDivergence} bits`);
      assert.ok(layer.alignment.meanCorrelation > 0.9999, `${layer.a}: r ${layer.alignment.meanCorrelation}`);
      // No expert kept its number, so without alignment no token's top expert agrees.
      assert.equal(layer.unaligned.top1Agreement, 0, `${layer.a}: unaligned top-1 agreement`);
      for (const delta of layer.load.delta)
        assert.ok(Math.abs(delta!) < 1e-6, `${layer.a}: load delta ${delta}`);
    }

    const tab = await waitFor('the compare panel', () => compareTabs()[0]);
    assert.equal(tab.label, 'MoE Scope: softmoe_vit.onnx ↔ softmoe_vit_permuted.onnx');
    await waitFor('the panel to open beside the code', () => tab.group.viewColumn === vscode.ViewColumn.Two);
    assert.ok(
      vscode.window.visibleTextEditors.some(
        (e) => e.document.uri.path.endsWith('/model.py') && e.viewColumn === vscode.ViewColumn.One,
      ),
      'the Python file stays visible in the first column',
    );
    assert.equal(api.status.text, '$(circuit-board) MoE: cpu', 'the status bar names the provider that ran');
  });

  it('restores a compare panel after a reload from the stored comparison, marked stale once a checkpoint changes', async () => {
    const api = await moeScope();
    const result = await compareCheckpoints(demoUri(), [demoUri(), permuted]);
    assert.ok(result);
    await vscode.commands.executeCommand('workbench.action.closeAllGroups');
    await waitFor('compare panels to close', () => compareTabs().length === 0);
    const state = { modelA: demoUri().fsPath, modelB: permuted.fsPath, inputs: { label: 'demo' } };
    const restore = async () => {
      const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, 'restored', vscode.ViewColumn.One);
      await api.compare.deserializeWebviewPanel(panel, state);
      const entry = api.compare.all.find((p) => p.panel === panel);
      assert.ok(entry, 'the restored panel is MoE Scope’s');
      return entry.lastMessage;
    };
    const shown = await restore();
    assert.equal(shown?.type, 'comparison');
    if (shown?.type !== 'comparison') return;
    // The stored run, not a new one: the same reports and numbers, and nothing has changed since.
    assert.equal(shown.result.a.createdAt, result.a.createdAt);
    assert.equal(shown.result.b.createdAt, result.b.createdAt);
    assert.deepEqual(
      shown.result.comparison.layers.map((l) => l.matching),
      result.comparison.layers.map((l) => l.matching),
    );
    assert.deepEqual(shown.restored, { stale: false });

    // Checkpoint B replaced by another file: the stored comparison no longer describes it.
    await vscode.workspace.fs.copy(demoUri(), permuted, { overwrite: true });
    await vscode.commands.executeCommand('workbench.action.closeAllGroups');
    const again = await restore();
    assert.equal(again?.type === 'comparison' && again.restored?.stale, true);
    await vscode.workspace.fs.copy(fixture('compare', 'softmoe_vit_permuted.onnx'), permuted, {
      overwrite: true,
    });
  });

  it('keeps comparisons across sessions: a new store reads back the saved one, typed matrices included', async () => {
    const result = await compareCheckpoints(demoUri(), [demoUri(), permuted]);
    assert.ok(result);
    const storage = vscode.Uri.file(mkdtempSync(join(tmpdir(), 'moe-scope-comparisons-')));
    const pair = { a: demoUri(), b: permuted };
    const inputs = { label: 'Fashion-MNIST test set (bundled)' };
    await new ComparisonStore(storage).put(pair, { inputs, result });
    const back = await new ComparisonStore(storage).get(pair);
    assert.ok(back, 'read back by a store that never saw it');
    assert.deepEqual(back.inputs, inputs);
    assert.equal(back.result.a.createdAt, result.a.createdAt);
    assert.deepEqual(back.result.comparison, result.comparison);
    const combine = back.result.a.perSample![0]!.layers['blocks.2.mlp']!.combine!;
    assert.ok(combine.data instanceof Float32Array);
    assert.deepEqual(combine.data, result.a.perSample![0]!.layers['blocks.2.mlp']!.combine!.data);
    assert.equal(
      await new ComparisonStore(storage).get({ a: permuted, b: demoUri() }),
      undefined,
      'per ordered pair',
    );
  });

  it('takes the right-clicked file of a selection as A, and refuses three selected checkpoints', async () => {
    const result = await compareCheckpoints(permuted, [demoUri(), permuted]);
    assert.ok(result);
    assert.equal(result.comparison.a.path, permuted.fsPath);
    for (const layer of result.comparison.layers) {
      // The permuted model's expert j is the original's perm[j]: that is its partner now.
      assert.deepEqual(layer.matching, recorded.layers[layer.a]!.perm, layer.a);
    }
    const third = workspaceUri('text', 'text_topk.onnx');
    assert.equal(await compareCheckpoints(demoUri(), [demoUri(), permuted, third]), undefined);
  });

  it('refuses checkpoints that read different inputs, naming the difference', async () => {
    const api = await moeScope();
    const before = api.engine.recentErrors.length;
    const text = workspaceUri('text', 'text_topk.onnx');
    assert.equal(await compareCheckpoints(demoUri(), [demoUri(), text]), undefined);
    const shown = api.engine.recentErrors.slice(before);
    assert.equal(shown.length, 1, shown.join('\n'));
    assert.match(
      shown[0]!,
      /^MoE Scope: Comparing softmoe_vit\.onnx and text_topk\.onnx failed\. softmoe_vit\.onnx \(A\) and text_topk\.onnx \(B\) cannot run on the same inputs: /,
    );
    assert.equal(compareTabs().length, 0, 'no panel opens for a failed comparison');
  });
});
