/**
 * "MoE Scope: Compare Checkpoints": two checkpoints (the explorer's selection, or picks), one input
 * set chosen for A, the comparison run in the engine under a cancellable progress notification,
 * then the compare panel beside the editor. Models from untrusted folders are never run.
 *
 * Called from code: executeCommand('moeScope.compareCheckpoints', uriA, [uriA, uriB], inputs?)
 * with an InputRequest as `inputs` resolves with the CompareResult, or undefined.
 */
import * as vscode from 'vscode';
import type { CompareResult } from '../../core/compare/types';
import type { CompareInputs } from '../../protocol/compareWebview';
import type { CommandDeps } from '../commands';
import { InputChoice, isInputRequest } from '../inputChoice';
import { pickInputs, resolveInputs } from '../pickInputs';
import { inspectCheckpoint } from '../runEngine';
import { chooseCheckpoints, type CheckpointPair } from './chooseCheckpoints';
import { COMPARE_VIEW_TYPE, ComparePanel, ComparePanels } from './comparePanel';
import { ComparisonStore } from './comparisonStore';
import { runComparison } from './runComparison';

const UNTRUSTED =
  'This workspace is not trusted, so MoE Scope does not run the checkpoints to compare them. Trust the workspace to compare.';

/** The bundled demo always runs; other models only in a trusted workspace. */
function mayRun(pair: CheckpointPair, extensionUri: vscode.Uri): boolean {
  const bundled = (uri: vscode.Uri) => uri.fsPath.startsWith(extensionUri.fsPath);
  return vscode.workspace.isTrusted || (bundled(pair.a) && bundled(pair.b));
}

function sayUntrusted(): void {
  void vscode.window
    .showWarningMessage(`MoE Scope: ${UNTRUSTED}`, 'Manage Workspace Trust')
    .then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
}

function compareInputs(choice: InputChoice): CompareInputs {
  return {
    label: choice.label,
    ...(choice.inputsPath ? { inputsPath: choice.inputsPath } : {}),
    ...(choice.tokenizerPath ? { tokenizerPath: choice.tokenizerPath } : {}),
    ...(choice.textSplit ? { textSplit: choice.textSplit } : {}),
  };
}

/** The inputs both models read: the request given, else the user's pick for model A. */
async function chooseInputs(
  deps: CommandDeps,
  model: vscode.Uri,
  request: unknown,
): Promise<CompareInputs | undefined> {
  const summary = await inspectCheckpoint(deps, model);
  if (!summary.ok) return undefined;
  const { context, config } = deps;
  const ctx = {
    model,
    summary: summary.value,
    config,
    extensionUri: context.extensionUri,
    storage: context.storageUri ?? context.globalStorageUri,
  };
  const choice = isInputRequest(request) ? await resolveInputs(request, ctx) : await pickInputs(ctx);
  return choice && compareInputs(choice);
}

export function registerCompare(deps: CommandDeps): ComparePanels {
  const { context } = deps;
  const panels = new ComparePanels(context.extensionUri);
  const store = new ComparisonStore(context.storageUri);

  /** Runs a pair; the pair's open panel (if any) shows the progress, and then the result or error. */
  async function compare(pair: CheckpointPair, inputs: CompareInputs): Promise<CompareResult | undefined> {
    let target: ComparePanel | undefined = panels.get(pair);
    const paths = { modelA: pair.a.fsPath, modelB: pair.b.fsPath };
    const message = `Comparing on ${inputs.label}…`;
    target?.post({ type: 'busy', ...paths, message });
    const outcome = await runComparison(deps, {
      ...pair,
      inputs,
      onProgress: (done, total) => panels.get(pair)?.post({ type: 'busy', ...paths, message, done, total }),
    });
    target = panels.get(pair);
    if (!outcome.ok) {
      target?.post({ type: 'error', ...paths, error: outcome.error });
      return undefined;
    }
    panels.open(pair).post({ type: 'comparison', ...paths, result: outcome.value, inputs });
    void store.put(pair, { inputs, result: outcome.value });
    return outcome.value;
  }

  panels.rerun = async (panel) => {
    if (!mayRun(panel.pair, context.extensionUri)) {
      panel.post({ type: 'notice', ...panel.paths, notice: UNTRUSTED, canRun: true });
      return;
    }
    const inputs = panel.inputs ?? (await chooseInputs(deps, panel.pair.a, undefined));
    if (inputs) await compare(panel.pair, inputs);
  };

  panels.restore = async (panel) => {
    const stored = await store.get(panel.pair);
    if (!stored) return false;
    const changed = await Promise.all([stored.result.a, stored.result.b].map((r) => deps.reportStale(r)));
    panel.post({
      type: 'comparison',
      ...panel.paths,
      result: stored.result,
      inputs: stored.inputs,
      restored: { stale: changed.some(Boolean) },
    });
    return true;
  };

  context.subscriptions.push(
    panels,
    vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, panels),
    vscode.commands.registerCommand(
      'moeScope.compareCheckpoints',
      async (clicked?: unknown, selected?: unknown, inputs?: unknown): Promise<CompareResult | undefined> => {
        const pair = await chooseCheckpoints(clicked, selected, context.extensionUri, deps.recent);
        if (!pair) return undefined;
        if (!mayRun(pair, context.extensionUri)) {
          sayUntrusted();
          return undefined;
        }
        const chosen = await chooseInputs(deps, pair.a, inputs);
        return chosen ? compare(pair, chosen) : undefined;
      },
    ),
  );
  return panels;
}
