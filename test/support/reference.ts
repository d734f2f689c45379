/** Reads a fixture's PyTorch reference tensors (.npy) for comparisons. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../src/core/data';
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
