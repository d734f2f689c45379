/** Reads a fixture's PyTorch reference tensors (.npy) for comparisons. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../src/core/data';
import type { Matrix, SampleLayer } from '../../src/core/report/types';
import type { Tensor } from '../../src/core/tensor';
import { Fixture, MODELS_DIR } from './fixtures';

export function referenceTensor(fixture: Fixture, key: string): Tensor {
  const file = fixture.reference.files[key];
  if (!file) throw new Error(`${fixture.name} has no reference "${key}"`);
  return parseNpy(readFileSync(join(MODELS_DIR, file)), file);
}

/** Largest |a − b| over two equally long numeric arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** Any numeric typed array (int64 included) as float64 numbers. */
export function asNumbers(data: ArrayLike<number | bigint>): Float64Array {
  return Float64Array.from(data as ArrayLike<number>, (v) => Number(v));
}

/** Concatenates one matrix per sample into the flat [samples, rows, cols] layout of the references. */
export function stackSamples(
  samples: SampleLayer[],
  pick: (s: SampleLayer) => Matrix | undefined,
): Float64Array {
  const parts = samples.map((s) => pick(s)!);
  const size = parts[0]!.rows * parts[0]!.cols;
  const out = new Float64Array(parts.length * size);
  parts.forEach((m, i) => out.set(m.data, i * size));
  return out;
}
