/**
 * The palette commands and the panel runner. "Analyze Experts" resolves the checkpoint and the
 * inputs, then runs the routing analysis (shown as soon as it is ready) and the specialization
 * study (added when it finishes) under cancellable progress notifications. Models from untrusted
 * folders are only inspected.
 */
import * as vscode from 'vscode';
import type { Report } from '../core/report/types';
import { AnalysisPanels, PanelRunner, PanelTarget } from './analysisPanel';
import type { Config } from './config';
import type { EngineService } from './engine';
import { InputChoice, isInputRequest } from './inputChoice';
import { pickModel } from './pickModel';
import { InputContext, pickInputs, resolveInputs } from './pickInputs';
import type { RecentModels } from './recentModels';
import type { ReportStore } from './reportStore';
import { analyzeCheckpoint, inspectCheckpoint, RunDeps } from './runEngine';
import type { ProviderStatus } from './statusBar';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  config: Config;
  engine: EngineService;
  panels: AnalysisPanels;
  status: ProviderStatus;
  reports: ReportStore;
  recent: RecentModels;
  /** Whether a checkpoint changed since its stored report (undefined: no report). */
  isStale: (modelPath: string) => Promise<boolean | undefined>;
  /** Whether the checkpoint a report was made from has changed since (SHA-256). */
  reportStale: (report: Report) => Promise<boolean>;
}

const UNTRUSTED_NOTICE =
  'This workspace is not trusted, so MoE Scope only read the model’s structure. Trust the workspace to run it.';

/** The bundled demo always runs; other models only in a trusted workspace. */
function mayRun(model: vscode.Uri, extensionUri: vscode.Uri): boolean {
  return vscode.workspace.isTrusted || model.fsPath.startsWith(extensionUri.fsPath);
}

function inputContext(
  deps: CommandDeps,
  target: PanelTarget,
  summary: InputContext['summary'],
): InputContext {
  const { context, config } = deps;
  return {
    model: target.model,
    summary,
    config,
    extensionUri: context.extensionUri,
    storage: context.storageUri ?? context.globalStorageUri,
  };
}

/**
 * Whether some layer can have experts dropped: every kind can, except fused MoE operators, which
 * mix their experts inside the kernel (their reports name only the router logits).
 */
function studiable(report: Report): boolean {
  return report.layers.some((l) => !(l.kind === 'topk' && l.tensors.topkIndices === undefined));
}

export function createRunner(deps: CommandDeps): PanelRunner {
  const runDeps: RunDeps = deps;
  const { context, config, reports } = deps;

  async function specialize(target: PanelTarget, inputs: InputChoice, routing: Report): Promise<void> {
    const count = Math.min(config.specializationInputs, routing.inputs.count);
    if (count === 0 || !studiable(routing)) return;
    const outcome = await analyzeCheckpoint(runDeps, {
      model: target.model,
      inputs,
      specializationInputs: count,
    });
    // The study is a second step: if it fails or is cancelled, the routing report stays up.
    if (!outcome.ok || target.report !== routing) return;
    target.post({ type: 'report', report: outcome.value });
    await reports.put(outcome.value);
  }

  return {
    async pickInputs(target) {
      const summary = await inspectCheckpoint(runDeps, target.model);
      if (!summary.ok) return undefined;
      return pickInputs(inputContext(deps, target, summary.value));
    },

    async showStored(target) {
      await reports.loaded();
      const stored = reports.get(target.model.fsPath);
      if (stored) {
        // The same verdict as the hover and the tree: the checkpoint's SHA-256 against the report's.
        const stale = (await deps.isStale(target.model.fsPath)) ?? false;
        target.post({ type: 'report', report: stored, stale });
        return;
      }
      const summary = await inspectCheckpoint(runDeps, target.model);
      if (!summary.ok) target.post({ type: 'error', modelPath: target.model.fsPath, error: summary.error });
      else
        target.post({ type: 'summary', summary: summary.value, provider: null, notice: 'Not analysed yet.' });
    },

    async run(target, requested) {
      const model = target.model;
      target.post({ type: 'busy', modelPath: model.fsPath, message: 'Reading the model…' });
      const summary = await inspectCheckpoint(runDeps, model);
      if (!summary.ok) {
        target.post({ type: 'error', modelPath: model.fsPath, error: summary.error });
        return undefined;
      }
      if (!mayRun(model, context.extensionUri)) {
        target.post({ type: 'summary', summary: summary.value, provider: null, notice: UNTRUSTED_NOTICE });
        return undefined;
      }
      const ctx = inputContext(deps, target, summary.value);
      const inputs = !requested
        ? (target.inputs ?? (await pickInputs(ctx)))
        : 'kind' in requested
          ? await resolveInputs(requested, ctx)
          : requested;
      if (!inputs) {
        target.post({ type: 'summary', summary: summary.value, provider: null, notice: 'No inputs chosen.' });
        return undefined;
      }
      target.inputs = inputs;
      const message = `Running on ${inputs.label}…`;
      target.post({ type: 'busy', modelPath: model.fsPath, message });
      const outcome = await analyzeCheckpoint(runDeps, {
        model,
        inputs,
        onProgress: (done, total) =>
          target.post({ type: 'busy', modelPath: model.fsPath, message, done, total }),
      });
      if (!outcome.ok) {
        target.post({ type: 'error', modelPath: model.fsPath, error: outcome.error });
        return undefined;
      }
      target.post({ type: 'report', report: outcome.value });
      await reports.put(outcome.value);
      await deps.recent.add(model.fsPath);
      deps.panels.get(model)?.decorate();
      await specialize(target, inputs, outcome.value);
      return outcome.value;
    },
  };
}

function asUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'string' && value) return vscode.Uri.file(value);
  return undefined;
}

export function registerCommands(deps: CommandDeps): void {
  const { context, config, panels } = deps;
  context.subscriptions.push(
    vscode.commands.registerCommand(
      'moeScope.analyzeExperts',
      async (argument?: unknown, inputs?: unknown): Promise<Report | undefined> => {
        const model = await pickModel(argument, config, context.extensionUri, deps.recent);
        if (!model) return undefined;
        const { report } = await panels.analyze(model, isInputRequest(inputs) ? inputs : undefined);
        return report;
      },
    ),
    vscode.commands.registerCommand('moeScope.revealLayer', async (argument?: unknown) => {
      const a = (typeof argument === 'object' && argument !== null ? argument : {}) as Record<
        string,
        unknown
      >;
      const model = asUri(a.modelPath);
      if (!model) return undefined;
      const layer = typeof a.layer === 'string' ? a.layer : undefined;
      const sample = typeof a.sample === 'number' ? a.sample : undefined;
      await panels.reveal(model, layer, sample);
      return true;
    }),
  );
}
