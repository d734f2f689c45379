/**
 * Compares two checkpoints on the same inputs. Both models go through the ordinary analysis run
 * (detection, instrumentation, batching, accumulators, optional specialization), each in its own
 * ONNX Runtime session, fed the one loaded input set; the two runs advance in lockstep so each
 * pair of batches is compared as it comes and dropped. Memory: both models, one batch each, and
 * the comparison's per-layer sums, however many inputs there are.
 */
import { ComparisonTally } from '../core/compare/comparisonTally';
import { checkSameInputs } from '../core/compare/inputSpecs';
import { COMPARISON_SCHEMA, CompareResult } from '../core/compare/types';
import { inputSetAs, loadInputs } from '../core/data';
import type { LoadOptions } from '../core/data';
import { MoeScopeError } from '../core/errors';
import { inspectModel } from '../core/onnx/inspect';
import { analyzeModel, AnalyzeOptions, BatchRouting, RunContext } from './analyze';
import { Lockstep } from './compareLockstep';
import type { ProviderName } from './session';
import { staticBatchSize } from './staticBatch';

export interface CompareOptions {
  modelA: string;
  modelB: string;
  /** Data file or folder both models read; synthetic inputs from A's input spec when absent. */
  inputsPath?: string;
  labelsPath?: string;
  batchSize?: number;
  limit?: number;
  /** Per-token detail kept in each report for this many first samples. */
  samples?: number;
  providers?: ProviderName[];
  load?: LoadOptions;
  /** Run the specialization study on both models; the curves appear per layer pair. */
  specialization?: AnalyzeOptions['specialization'];
  spinning?: AnalyzeOptions['spinning'];
}

export async function compareModels(
  options: CompareOptions,
  context: Omit<RunContext, 'onBatch'> = {},
): Promise<CompareResult> {
  const [specA, specB] = await Promise.all([inspectModel(options.modelA), inspectModel(options.modelB)]);
  checkSameInputs(options.modelA, specA.inputs, options.modelB, specB.inputs);
  const inputs = await loadInputs(options.inputsPath, specA.inputs, {
    modelPath: options.modelA,
    ...options.load,
  });
  const count = Math.min(inputs.count, options.limit ?? Infinity);
  // A model exported with a fixed batch size sets the rows per run for both, so batches line up.
  const batchSize =
    staticBatchSize(specA.inputs) ?? staticBatchSize(specB.inputs) ?? Math.max(1, options.batchSize ?? 32);

  const tally = new ComparisonTally();
  const lockstep = new Lockstep<BatchRouting>((a, b) => {
    tally.add(a, b);
    context.progress?.({
      done: a.end,
      total: count,
      message: `${a.end}/${count} samples through both models`,
    });
  });
  const batches = Math.ceil(count / batchSize);
  const events: [number, number] = [0, 0];
  // Either run failing stops the other one at its next batch.
  const stop = new AbortController();
  const signal = context.signal ? AbortSignal.any([context.signal, stop.signal]) : stop.signal;
  // B reads the same samples in its own float precision where the two differ.
  const sets = [inputs, inputSetAs(inputs, specB.inputs)] as const;
  const run = (side: 0 | 1, modelPath: string) =>
    analyzeModel(
      {
        modelPath,
        inputSet: sets[side],
        ...(options.labelsPath ? { labelsPath: options.labelsPath } : {}),
        batchSize,
        ...(options.limit ? { limit: options.limit } : {}),
        samples: options.samples ?? 8,
        providers: options.providers ?? ['cpu'],
        ...(options.specialization ? { specialization: options.specialization } : {}),
        ...(options.spinning ? { spinning: true } : {}),
      },
      {
        signal,
        onBatch: (batch) => lockstep.arrive(side, batch),
        // The lockstep reports the shared pass (one event per batch of each run, skipped here);
        // what follows is each model's specialization study.
        progress: (p) => {
          if (++events[side] > batches)
            context.progress?.({ ...p, message: `model ${'AB'[side]}: ${p.message}` });
        },
      },
    ).catch((error: unknown) => {
      const named = nameSide(error, 'AB'[side]!);
      lockstep.fail(named);
      stop.abort();
      throw named;
    });
  const [a, b] = await Promise.allSettled([run(0, options.modelA), run(1, options.modelB)]);
  if (a.status === 'rejected' || b.status === 'rejected') throw lockstep.failed?.error;
  return {
    schema: COMPARISON_SCHEMA,
    a: a.value,
    b: b.value,
    comparison: tally.finish(a.value, b.value),
  };
}

/** Says which model an error came from (both files may share a name, e.g. run1/model.onnx). */
function nameSide(error: unknown, side: string): unknown {
  if (!(error instanceof MoeScopeError) || error.code === 'CANCELLED') return error;
  return new MoeScopeError(error.code, `Model ${side}: ${error.message}`, error.hint);
}
