/** Keeps the full routing detail of the first N samples, as typed-array matrices. */
import type { LayerBatch } from '../core/analysis/types';
import { expertScores } from '../core/analysis';
import type { Matrix, SampleLayer } from '../core/report/types';
import type { Tensor } from '../core/tensor';

function rowMatrix(t: Tensor<'float32'>, sample: number): Matrix {
  const [, rows, cols] = t.shape as [number, number, number];
  const size = rows * cols;
  return { rows, cols, data: t.data.slice(sample * size, (sample + 1) * size) };
}

function indexMatrix(t: Tensor<'int64' | 'int32'>, sample: number): Matrix {
  const [, rows, cols] = t.shape as [number, number, number];
  const size = rows * cols;
  const out = new Int32Array(size);
  for (let i = 0; i < size; i++) out[i] = Number(t.data[sample * size + i]);
  return { rows, cols, data: out };
}

export function sampleLayer(batch: LayerBatch, sample: number): SampleLayer {
  switch (batch.kind) {
    case 'soft_moe': {
      const combine = rowMatrix(batch.combine, sample);
      const scores = expertScores(
        { dtype: 'float32', shape: [combine.rows, combine.cols], data: combine.data as Float32Array },
        batch.experts,
        batch.slotsPerExpert,
      );
      return {
        dispatch: rowMatrix(batch.dispatch, sample),
        combine,
        expertScores: Float32Array.from(scores),
      };
    }
    case 'topk':
      return { probs: rowMatrix(batch.probs, sample), topk: indexMatrix(batch.indices, sample) };
    case 'expert_choice':
      return { probs: rowMatrix(batch.probs, sample), selected: indexMatrix(batch.selected, sample) };
    case 'smear': {
      const experts = batch.probs.shape[1]!;
      return {
        probs: {
          rows: 1,
          cols: experts,
          data: batch.probs.data.slice(sample * experts, (sample + 1) * experts),
        },
      };
    }
  }
}
