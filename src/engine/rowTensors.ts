/** Tensors per row: inputs copied to the rows that read them, and session runs by name. */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { sizeOf, Tensor, TYPED_ARRAYS } from '../core/tensor';
import { fromOrt, toOrt } from './ortTensors';

/** Rows of `t` along `axis`, in blocks of `block` per input: block sources[r] becomes row block r. */
export function replicateAlong(t: Tensor, axis: number, block: number, sources: number[]): Tensor {
  const outer = sizeOf(t.shape.slice(0, axis));
  const inner = sizeOf(t.shape.slice(axis + 1)) * block;
  const total = t.shape[axis]!;
  const data = new TYPED_ARRAYS[t.dtype](outer * sources.length * inner) as Float32Array;
  const from = t.data as Float32Array;
  for (let o = 0; o < outer; o++) {
    const base = o * total * (inner / block);
    sources.forEach((source, r) =>
      data.set(
        from.subarray(base + source * inner, base + (source + 1) * inner),
        (o * sources.length + r) * inner,
      ),
    );
  }
  const shape = [...t.shape];
  shape[axis] = sources.length * block;
  return { dtype: t.dtype, shape, data } as Tensor;
}

export function feedsFor(
  session: InferenceSession,
  tensors: Record<string, Tensor>,
): Record<string, OrtTensor> {
  const feeds: Record<string, OrtTensor> = {};
  for (const name of session.inputNames) if (tensors[name]) feeds[name] = toOrt(tensors[name]);
  return feeds;
}

export async function runAll(
  session: InferenceSession,
  feeds: Record<string, OrtTensor>,
  outputs: string[],
): Promise<Record<string, Tensor>> {
  const results = await session.run(feeds, outputs);
  return Object.fromEntries(outputs.map((name) => [name, fromOrt(name, results[name]!)]));
}

/** Rows of a batch of model inputs. */
export function batchSize(batch: Record<string, Tensor>): number {
  return Object.values(batch)[0]?.shape[0] ?? 0;
}
