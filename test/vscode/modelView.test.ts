/**
 * The model view in a real VS Code: .onnx files open in MoE Scope's editor (a custom editor, not
 * the "binary file" notice), and "Analyze Experts" takes the checkpoint from it.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { MODEL_VIEW_TYPE } from '../../src/host/modelView';
import { closeAllEditors, demoUri, moeScope, panelFor, waitFor } from './helpers';

function activeInput(): unknown {
  return vscode.window.tabGroups.activeTabGroup.activeTab?.input;
}

describe('MoE Scope model view', () => {
  afterEach(async () => closeAllEditors(await moeScope()));

  it('is the editor VS Code offers for .onnx files, and Analyze Experts reads the checkpoint from it', async () => {
    const api = await moeScope();
    await vscode.commands.executeCommand('vscode.openWith', demoUri(), MODEL_VIEW_TYPE);
    await waitFor(
      'the model view to be the active editor',
      () => activeInput() instanceof vscode.TabInputCustom,
    );
    const input = activeInput() as vscode.TabInputCustom;
    assert.equal(input.viewType, MODEL_VIEW_TYPE);
    assert.equal(input.uri.toString(), demoUri().toString());

    // No checkpoint argument: the command takes the one in the active model view.
    const report = await vscode.commands.executeCommand<{ model: { path: string } } | undefined>(
      'moeScope.analyzeExperts',
      undefined,
      { kind: 'demo' },
    );
    assert.equal(report?.model.path, demoUri().fsPath);
    assert.ok(panelFor(api, demoUri()), 'the analysis panel opened for the model in the view');
  });
});
