/**
 * A comparison run as the user sees it: `moeScope/compare` under a cancellable progress notification
 * counting samples through both models, errors shown once through the engine service, and the
 * status bar naming the provider that ran.
 */
import type { CompareResult } from '../../core/compare/types';
import type { CompareParams, Outcome } from '../../protocol/engine';
import type { CompareInputs } from '../../protocol/compareWebview';
import { basename, type RunDeps, withEngineProgress } from '../runEngine';
import type { CheckpointPair } from './chooseCheckpoints';

export interface CompareRun extends CheckpointPair {
  inputs: CompareInputs;
  /** Samples done / total, for the panel's own progress line. */
  onProgress?: (done: number, total: number) => void;
}

export function compareParams(deps: RunDeps, run: CompareRun): CompareParams {
  const { config } = deps;
  return {
    modelA: run.a.fsPath,
    modelB: run.b.fsPath,
    ...(run.inputs.inputsPath ? { inputsPath: run.inputs.inputsPath } : {}),
    ...(run.inputs.tokenizerPath ? { tokenizerPath: run.inputs.tokenizerPath } : {}),
    ...(run.inputs.textSplit ? { textSplit: run.inputs.textSplit } : {}),
    limit: config.maxInputs,
    samples: config.detailedSamples,
    providers: config.executionProviders,
  };
}

export async function runComparison(deps: RunDeps, run: CompareRun): Promise<Outcome<CompareResult>> {
  const what = `${basename(run.a)} and ${basename(run.b)}`;
  const outcome = await withEngineProgress(
    deps,
    `MoE Scope: comparing ${what} on ${run.inputs.label}`,
    'moeScope/compare',
    compareParams(deps, run),
    run.onProgress,
  );
  if (outcome.ok) deps.status.ran(outcome.value.a.provider, outcome.value.a.providerNotes);
  else deps.engine.reportError(`Comparing ${what}`, outcome.error);
  return outcome;
}
