/**
 * Engine runs as the user sees them: a cancellable progress notification counting samples, errors
 * shown once through the engine service, and the status bar naming the provider that ran.
 */
import * as vscode from 'vscode';
import type { ModelInspection } from '../core/detect/outline';
import type { Report } from '../core/report/types';
import type { AnalyzeParams, InspectParams, Outcome, ParamsOf, ResultOf } from '../protocol/engine';
import type { Config } from './config';
import type { EngineService } from './engine';
import type { InputChoice } from './inputChoice';
import type { ProviderStatus } from './statusBar';

export interface RunDeps {
  config: Config;
  engine: EngineService;
  status: ProviderStatus;
}

export function basename(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.path;
}

/** The engine's inspect request for a checkpoint: its path and the layer overrides the settings give it. */
export function inspectParams(config: Config, model: vscode.Uri): InspectParams {
  const overrides = config.layerOverridesFor(model);
  return { modelPath: model.fsPath, ...(overrides !== undefined ? { overrides } : {}) };
}

/** Reads the model's structure (no weights, nothing run): safe in untrusted workspaces. */
export async function inspectCheckpoint(deps: RunDeps, model: vscode.Uri): Promise<Outcome<ModelInspection>> {
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `MoE Scope: reading ${basename(model)}` },
    () => deps.engine.client.request('moeScope/inspect', inspectParams(deps.config, model)),
  );
  if (!outcome.ok) deps.engine.reportError(`Reading ${basename(model)}`, outcome.error);
  return outcome;
}

export interface AnalyzeRun {
  model: vscode.Uri;
  inputs: InputChoice;
  /** Run the specialization study on this many inputs (routing only when absent). */
  specializationInputs?: number;
  /** Called with samples done / total, for the panel's own progress line. */
  onProgress?: (done: number, total: number) => void;
}

export function analyzeParams(deps: RunDeps, run: AnalyzeRun): AnalyzeParams {
  const { config } = deps;
  const overrides = config.layerOverridesFor(run.model);
  return {
    modelPath: run.model.fsPath,
    ...(run.inputs.inputsPath ? { inputsPath: run.inputs.inputsPath } : {}),
    ...(run.inputs.tokenizerPath ? { tokenizerPath: run.inputs.tokenizerPath } : {}),
    ...(run.inputs.textSplit ? { textSplit: run.inputs.textSplit } : {}),
    limit: config.maxInputs,
    samples: config.detailedSamples,
    providers: config.executionProviders,
    ...(overrides !== undefined ? { overrides } : {}),
    ...(run.specializationInputs ? { specialization: { inputs: run.specializationInputs } } : {}),
  };
}

/**
 * Runs an engine request under a cancellable progress notification that counts samples. Cancelling
 * the notification cancels the request in the engine.
 */
export function withEngineProgress<M extends 'moeScope/analyze' | 'moeScope/compare'>(
  deps: RunDeps,
  title: string,
  method: M,
  params: ParamsOf<M>,
  onProgress?: (done: number, total: number) => void,
): Thenable<Outcome<ResultOf<M>>> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, token) => {
      let reported = 0;
      return deps.engine.client.request(method, params, {
        token,
        onProgress: (p) => {
          // Notifications take increments; report the share done since the last update.
          const share = p.total > 0 ? (100 * p.done) / p.total : 0;
          progress.report({
            message: p.message ?? `${p.done}/${p.total} samples`,
            increment: share - reported,
          });
          reported = share;
          onProgress?.(p.done, p.total);
        },
      });
    },
  );
}

/** Runs the routing analysis (and optionally the specialization study) under a progress notification. */
export async function analyzeCheckpoint(deps: RunDeps, run: AnalyzeRun): Promise<Outcome<Report>> {
  const what = run.specializationInputs ? 'specialization study of' : 'analysing';
  const outcome = await withEngineProgress(
    deps,
    `MoE Scope: ${what} ${basename(run.model)} on ${run.inputs.label}`,
    'moeScope/analyze',
    analyzeParams(deps, run),
    run.onProgress,
  );
  if (outcome.ok) deps.status.ran(outcome.value.provider, outcome.value.providerNotes);
  else deps.engine.reportError(`Analysing ${basename(run.model)}`, outcome.error);
  return outcome;
}
