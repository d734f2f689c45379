/** ONNX TensorProto.DataType numbers and the names MoE Scope reports them by (numpy-style). */
const DATA_TYPE_NAMES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
};

export function dataTypeName(code: number): string {
  return DATA_TYPE_NAMES[code] ?? `unknown(${code})`;
}

/** A dimension is a number, a symbolic name (e.g. "batch"), or null when unknown. */
export type Dim = number | string | null;

export interface TensorSpec {
  name: string;
  /** numpy-style dtype name, or "sequence"/"map"/"optional"/"unknown" for non-tensor values. */
  dtype: string;
  /** Null when the model does not state a shape (rank unknown). */
  shape: Dim[] | null;
}

export interface OpsetImport {
  /** "" is the default ONNX domain. */
  domain: string;
  version: number;
}

/** What `inspect` reports about a model without running it. */
export interface ModelSummary {
  path: string;
  sizeBytes: number;
  irVersion: number;
  producer: { name: string; version: string };
  domain: string;
  modelVersion: number;
  /** The default-domain opset, or null when the model imports none. */
  opset: number | null;
  opsetImports: OpsetImport[];
  graphName: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  nodeCount: number;
  initializerCount: number;
  /** Op type → node count, for a quick look at what the graph is made of. */
  opTypes: Record<string, number>;
  metadata: Record<string, string>;
}
