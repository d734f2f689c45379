/**
 * Reads a report back from its JSON form (the CLI's --json output, a saved report, the standalone
 * HTML page): checks the schema and turns nested arrays back into typed-array matrices, so every
 * consumer sees the same in-memory shape the engine produced.
 */
import { MoeScopeError } from '../errors';
import { REPORT_SCHEMA, type Matrix, type Report, type SampleLayer } from './types';

/** Matrices that hold expert or token indices; every other matrix holds float32 weights. */
const INDEX_MATRICES = new Set(['topk', 'selected']);

function toMatrix(value: unknown, key: string, where: string): Matrix {
  if (!Array.isArray(value) || !value.every(Array.isArray)) {
    throw new MoeScopeError('BAD_REPORT', `${where}.${key} is not a matrix (array of rows).`);
  }
  const rows = value.length;
  const cols = rows > 0 ? (value[0] as unknown[]).length : 0;
  const data = INDEX_MATRICES.has(key) ? new Int32Array(rows * cols) : new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = value[r] as unknown[];
    if (row.length !== cols) throw new MoeScopeError('BAD_REPORT', `${where}.${key} has ragged rows.`);
    for (let c = 0; c < cols; c++) {
      const v = row[c];
      // JSON has no NaN: the writer emits null for it, which reads back as NaN.
      data[r * cols + c] = typeof v === 'number' ? v : NaN;
    }
  }
  return { rows, cols, data };
}

function reviveLayer(raw: Record<string, unknown>, where: string): SampleLayer {
  const layer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'expertScores') layer[key] = Float32Array.from(value as number[]);
    else if (Array.isArray(value)) layer[key] = toMatrix(value, key, where);
    else layer[key] = value;
  }
  return layer as SampleLayer;
}

/** JSON text parsed, or MoeScopeError('BAD_REPORT') saying it is not a MoE Scope `what`. */
export function parseReportJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MoeScopeError('BAD_REPORT', `Not a MoE Scope ${what}: ${(error as Error).message}`);
  }
}

/** Parses report JSON text; throws MoeScopeError('BAD_REPORT') naming what was wrong. */
export function reportFromJson(text: string): Report {
  return reviveReport(parseReportJson(text, 'report'));
}

/** Revives an already-parsed report object (matrices as nested arrays or already typed). */
export function reviveReport(parsed: unknown): Report {
  if (typeof parsed !== 'object' || parsed === null || (parsed as Report).schema !== REPORT_SCHEMA) {
    throw new MoeScopeError('BAD_REPORT', `Not a MoE Scope report: expected schema "${REPORT_SCHEMA}".`);
  }
  const report = parsed as Report;
  if (!Array.isArray(report.layers)) throw new MoeScopeError('BAD_REPORT', 'The report has no layers list.');
  for (const [j, sample] of (report.perSample ?? []).entries()) {
    for (const [id, layer] of Object.entries(sample.layers ?? {})) {
      const raw = layer as unknown as Record<string, unknown>;
      const typed = Object.values(raw).some((v) => ArrayBuffer.isView(v) || (v as Matrix)?.data);
      if (!typed) sample.layers[id] = reviveLayer(raw, `perSample[${j}].layers.${id}`);
    }
    if (sample.image && !(sample.image.data instanceof Uint8Array)) {
      sample.image.data = Uint8Array.from(sample.image.data as unknown as number[]);
    }
  }
  return report;
}
