/**
 * Runs rows of a masked model: each row is one input of a batch (by index) with its own expert
 * masks. Two ways, same numbers:
 *   whole:         every row runs the whole model (inputs replicated per row);
 *   shared-prefix: the unmasked network runs once per input and each row only the rest of the
 *                  network from its own first masked layer, all in one session run
 *                  (sharedPrefix.ts, core/onnx/rowsModel), so a k = 1…n curve pays for the
 *                  unmasked part of the network once, not n times.
 * The split is used when a probe shows that every tensor crossing a cut either follows the batch
 * along one axis or does not depend on the input; otherwise the whole model runs.
 */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import type { InputSet } from '../core/data';
import { indexGraph } from '../core/onnx/graph';
import { keepInputName, maskInputName, MaskPoint } from '../core/onnx/masks';
import type { MaskInput } from '../core/onnx/rowsModel';
import type { Tensor } from '../core/tensor';
import { toOrt } from './ortTensors';
import { replicateAlong, runAll } from './rowTensors';
import { openSharedPrefix } from './sharedPrefix';

export interface MaskedModel {
  readonly mode: 'whole' | 'shared-prefix';
  /** Why the split is not used (whole mode only). */
  readonly reason?: string;
  /** Bytes each row copies from the shared prefix (shared-prefix mode only). */
  readonly rowBytes?: number;
  /**
   * Runs row r on input sources[r] of `batch` with mask feeds of rows.length rows; returns
   * `outputs`, one row each (extra tensors the split model reads from the full model per input).
   */
  run(
    batch: Record<string, Tensor>,
    sources: number[],
    maskFeeds: Record<string, OrtTensor>,
    outputs: string[],
  ): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

export type OpenSession = (bytes: Uint8Array) => Promise<InferenceSession>;

export function wholeModel(session: InferenceSession, reason?: string): MaskedModel {
  return {
    mode: 'whole',
    ...(reason ? { reason } : {}),
    async run(batch, sources, maskFeeds, outputs) {
      const feeds: Record<string, OrtTensor> = { ...maskFeeds };
      for (const [name, t] of Object.entries(batch)) feeds[name] = toOrt(replicateAlong(t, 0, 1, sources));
      return runAll(session, feeds, outputs);
    },
    release: () => session.release(),
  };
}

/** Each point's mask inputs (addExpertMasks) with their neutral values: mask ones, keep = n. */
export function maskInputsOf(points: readonly MaskPoint[]): MaskInput[][] {
  return points.map((p) => [
    { name: maskInputName(p.layer), width: p.experts, neutral: 1 },
    { name: keepInputName(p.layer), width: 1, neutral: p.experts },
  ]);
}

/**
 * The masked model, split at its masks when the cut checks out on the first two inputs, else
 * whole (`reason` says why).
 */
export async function openMaskedModel(options: {
  bytes: Uint8Array;
  path: string;
  points: MaskPoint[];
  output: string;
  inputs: InputSet;
  count: number;
  open: OpenSession;
  split?: boolean;
  /** Tensors read per input from the full model (the shared-subsets study's scores). */
  extras?: string[];
  /** One entry per point for per-layer rows, or only at the first for all-layers rows. */
  entriesAt?: 'first' | 'each';
}): Promise<MaskedModel> {
  const { bytes, points, inputs, count, open } = options;
  let reason = 'turned off';
  if (options.split !== false && count > 0) {
    try {
      const probe: [Record<string, Tensor>, Record<string, Tensor>] = [
        inputs.batch(0, 1),
        inputs.batch(Math.min(1, count - 1), Math.min(2, count)),
      ];
      const shared = await openSharedPrefix(
        bytes,
        indexGraph(bytes, options.path),
        maskInputsOf(points),
        [options.output],
        options.extras ?? [],
        probe,
        open,
        options.entriesAt,
      );
      if (typeof shared !== 'string') return shared;
      reason = shared;
    } catch (error) {
      reason = (error as Error).message.split('\n')[0]!;
    }
  }
  return wholeModel(await open(bytes), reason);
}
