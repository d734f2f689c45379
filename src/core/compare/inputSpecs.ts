/**
 * Two checkpoints can only be compared on the same inputs if they read the same inputs: the same
 * names, dtypes and ranks, and equal sizes wherever both state a fixed size. Float inputs may
 * differ in precision: a float16 export and its float32 original read the same data (rounded for
 * the float16 one), and comparing the two shows what half precision does to the routing.
 */
import { describeSpec } from '../data/validate';
import { MoeScopeError } from '../errors';
import type { TensorSpec } from '../onnx/types';

const FLOATS = new Set(['float16', 'float32', 'float64']);

/** Why the specs differ, or undefined when every input agrees. */
export function inputMismatch(a: TensorSpec[], b: TensorSpec[]): string | undefined {
  const names = (specs: TensorSpec[]) => specs.map((s) => s.name).sort();
  if (names(a).join('\u0000') !== names(b).join('\u0000')) return `A takes ${list(a)} but B takes ${list(b)}`;
  for (const specA of a) {
    const specB = b.find((s) => s.name === specA.name)!;
    const same =
      (specA.dtype === specB.dtype || (FLOATS.has(specA.dtype) && FLOATS.has(specB.dtype))) &&
      (!specA.shape ||
        !specB.shape ||
        (specA.shape.length === specB.shape.length &&
          specA.shape.every((d, i) => {
            const e = specB.shape![i];
            return typeof d !== 'number' || typeof e !== 'number' || d === e;
          })));
    if (!same) return `input '${specA.name}' is ${describeSpec(specA)} in A but ${describeSpec(specB)} in B`;
  }
  return undefined;
}

/** Throws a BAD_REQUEST naming both files when the two models read different inputs. */
export function checkSameInputs(pathA: string, a: TensorSpec[], pathB: string, b: TensorSpec[]): void {
  const why = inputMismatch(a, b);
  if (!why) return;
  const name = (path: string) => path.split(/[\\/]/).pop();
  throw new MoeScopeError(
    'BAD_REQUEST',
    `${name(pathA)} (A) and ${name(pathB)} (B) cannot run on the same inputs: ${why}.`,
    'Compare checkpoints that read the same inputs (the same architecture family and preprocessing).',
  );
}

function list(specs: TensorSpec[]): string {
  return specs.map((s) => `'${s.name}' ${describeSpec(s)}`).join(', ') || 'no inputs';
}
