/**
 * The palette commands. Each resolves what to work on, then hands the engine work to a panel with
 * a cancellable progress notification; failures surface through the engine service.
 */
import * as vscode from 'vscode';
import type { ModelSummary } from '../core/onnx/types';
import type { Outcome } from '../protocol/engine';
import { AnalysisPanels } from './analysisPanel';
import { Config, ProviderName } from './config';
import { EngineService } from './engine';
import { askForModel, pickModel } from './pickModel';
import { ProviderStatus } from './statusBar';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  config: Config;
  engine: EngineService;
  panels: AnalysisPanels;
  status: ProviderStatus;
}

/** Reads a model in the engine under a cancellable notification and updates the status bar. */
export function createAnalyze(deps: Omit<CommandDeps, 'panels'>) {
  return async (model: vscode.Uri): Promise<{ outcome: Outcome<ModelSummary>; provider: string | null }> => {
    const outcome = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `MoE Scope: reading ${basename(model)}`,
        cancellable: true,
      },
      (progress, token) =>
        deps.engine.client.request(
          'moeScope/inspect',
          { modelPath: model.fsPath },
          {
            token,
            onProgress: (p) => progress.report({ message: p.message ?? `${p.done}/${p.total}` }),
          },
        ),
    );
    if (!outcome.ok) deps.engine.reportError(`Reading ${basename(model)}`, outcome.error);
    const provider = await refreshStatus(deps);
    return { outcome, provider };
  };
}

async function refreshStatus(deps: Omit<CommandDeps, 'panels'>): Promise<string | null> {
  const ping = await deps.engine.client.request('moeScope/ping', {});
  if (!ping.ok) return null;
  const usable =
    deps.config.executionProviders.find((p: ProviderName) => ping.value.providers.includes(p)) ?? 'cpu';
  deps.status.update(ping.value, usable);
  return usable;
}

function basename(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.path;
}

export function registerCommands(deps: CommandDeps): void {
  const { context, config, panels } = deps;
  context.subscriptions.push(
    vscode.commands.registerCommand('moeScope.analyzeExperts', async (argument?: unknown) => {
      const model = await pickModel(argument, config, context.extensionUri);
      if (!model) return undefined;
      const { outcome } = await panels.show(model);
      return outcome.ok;
    }),
    vscode.commands.registerCommand(
      'moeScope.compareCheckpoints',
      async (first?: unknown, selection?: unknown) => {
        // From the explorer, VS Code passes the clicked file and the whole multi-selection.
        const selected = Array.isArray(selection)
          ? selection.filter((u): u is vscode.Uri => u instanceof vscode.Uri)
          : [];
        const a =
          selected[0] ??
          (first instanceof vscode.Uri
            ? first
            : await askForModel(context.extensionUri, 'Compare: first checkpoint'));
        if (!a) return undefined;
        const b = selected[1] ?? (await askForModel(context.extensionUri, 'Compare: second checkpoint'));
        if (!b) return undefined;
        const results = await Promise.all([panels.show(a), panels.show(b)]);
        return results.every((r) => r.outcome.ok);
      },
    ),
  );
}
