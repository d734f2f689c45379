/**
 * The report: what an analysis found, in the "moe-scope/report@1" contract of the design. The same
 * object feeds the panels, the hover and the CLI's JSON. In memory, per-sample matrices are typed
 * arrays; the JSON writer turns them into nested arrays.
 */
import type { LayerSummary } from '../analysis/types';
import type { LayerKind } from '../detect/types';
import type { TensorSpec } from '../onnx/types';
import type { Specialization } from '../specialization/types';

export const REPORT_SCHEMA = 'moe-scope/report@1';

/** A row-major matrix: rows × cols values. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array | Int32Array;
}

export interface ReportModel {
  path: string;
  sha256: string;
  opset: number | null;
  producer: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export interface ReportLayer {
  id: string;
  /** Graph order among the MoE layers. */
  index: number;
  kind: LayerKind;
  experts: number;
  slotsPerExpert?: number;
  k?: number;
  capacity?: number;
  tokens: number;
  /** ONNX tensor names the routing was read from. */
  tensors: Record<string, string>;
  source?: { file: string; line: number };
  /** How the layer was recognised. */
  evidence: string;
  summary: LayerSummary;
}

/** Per-layer detail kept for one of the first N samples. */
export interface SampleLayer {
  /** Soft MoE: [tokens × slots]. */
  dispatch?: Matrix;
  combine?: Matrix;
  /** Soft MoE: Algorithm 1 scores per expert (combine mass per expert). */
  expertScores?: Float32Array;
  /** Top-k, expert choice: [tokens × experts]; SMEAR: [1 × experts]. */
  probs?: Matrix;
  /** Top-k: [tokens × k] chosen experts. */
  topk?: Matrix;
  /** Expert choice: [experts × capacity] chosen tokens. */
  selected?: Matrix;
}

/**
 * An image input as the model saw it, min–max scaled to 0…255 per sample (so normalised inputs
 * still show): height × width × channels bytes, row-major, channels last (1 = grey, 3 = RGB).
 */
export interface InputImage {
  height: number;
  width: number;
  channels: 1 | 3;
  data: Uint8Array;
}

export interface SampleDetail {
  index: number;
  label?: number;
  prediction?: number;
  /** Token strings, for text inputs. */
  tokens?: string[];
  /** The input image, for image models: what the panel draws slot weights over. */
  image?: InputImage;
  layers: Record<string, SampleLayer>;
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  tool: { name: 'moe-scope'; version: string };
  createdAt: string;
  model: ReportModel;
  /** Execution provider that ran the model, and why others were skipped. */
  provider: string;
  providerNotes: string[];
  inputs: { source: string; count: number };
  samples: number;
  /** Top-1 accuracy against the labels, when labels were given and the model outputs class scores. */
  accuracy?: number;
  layers: ReportLayer[];
  perSample?: SampleDetail[];
  specialization?: Specialization;
  /** Candidates that looked like routers but failed confirmation, and other things worth knowing. */
  warnings: string[];
  /** samplesPerSecond covers the routing analysis alone, not the specialization study. */
  timing: { totalMs: number; inferenceMs: number; samplesPerSecond: number; specializationMs?: number };
}
