/** Conversions between MoE Scope tensors and ONNX Runtime tensors (sharing buffers, no copies). */
import type { Tensor as OrtTensor } from 'onnxruntime-node';
import { MoeScopeError } from '../core/errors';
import type { DType, Tensor } from '../core/tensor';
import { loadOrt } from './ort';

const ORT_TYPES: Partial<Record<string, DType>> = {
  float32: 'float32',
  float64: 'float64',
  float16: 'float16',
  int64: 'int64',
  int32: 'int32',
  int16: 'int16',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

export function toOrt(t: Tensor): OrtTensor {
  const ort = loadOrt();
  return new ort.Tensor(t.dtype, t.data as never, t.shape);
}

export function fromOrt(name: string, t: OrtTensor): Tensor {
  const dtype = ORT_TYPES[t.type];
  if (!dtype)
    throw new MoeScopeError('INTERNAL', `Output ${name} has type ${t.type}, which MoE Scope cannot read.`);
  return { dtype, shape: [...t.dims], data: t.data as Tensor['data'] };
}
