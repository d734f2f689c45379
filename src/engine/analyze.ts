/**
 * The analysis run: read and index the model, detect its MoE layers, expose their routing tensors,
 * open an ONNX Runtime session, stream the inputs through it in batches, confirm the layers on the
 * first batch, accumulate per-layer metrics in bounded memory and keep full detail for the first
 * samples. Runs in the engine process, and in-process for the CLI.
 */
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { createAccumulator, LayerAccumulator, LayerBatch } from '../core/analysis';
import { detectLayers } from '../core/detect';
import { confirmCandidate, extractBatch, MoeLayer, Outputs } from '../core/detect/confirm';
import { applyOverrides, Overrides, readSidecarOverrides } from '../core/detect/overrides';
import { loadInputs, parseNpy } from '../core/data';
import type { InputSet, LoadOptions } from '../core/data';
import { toLabels } from '../core/data/labels';
import { readDataFile } from '../core/data/readFile';
import { MoeScopeError } from '../core/errors';
import { indexGraph } from '../core/onnx/graph';
import { inlineLocalFunctions } from '../core/onnx/inline';
import { readModelBytes, summariseModelBytes, withModelErrors } from '../core/onnx/inspect';
import { checkExternalData } from '../core/onnx/externalData';
import type { GraphIndex } from '../core/onnx/graph';
import { exposeTensors } from '../core/onnx/instrument';
import { addExpertMasks, MaskPoint, scoresTensorName } from '../core/onnx/masks';
import type { Specialization } from '../core/specialization/types';
import { REPORT_SCHEMA, Report, ReportLayer, SampleDetail } from '../core/report/types';
import { asFloat32, type Tensor } from '../core/tensor';
import type { Progress } from '../protocol/engine';
import { fromOrt, toOrt } from './ortTensors';
import { openMaskedModel } from './maskedModel';
import { maskPointFor } from './maskPoints';
import { inputImage, isImageBatch } from './inputImage';
import { sampleLayer } from './sampleDetail';
import { runSpecialization, SpecializeOptions } from './specialize';
import { padRows, staticBatchSize, unpadRows } from './staticBatch';
import { openSession, ProviderName } from './session';
import { ENGINE_VERSION } from './version';

export interface AnalyzeOptions {
  modelPath: string;
  /** Data file or folder; synthetic inputs from the model's input spec when absent. */
  inputsPath?: string;
  /** A separate .npy of integer labels (overrides labels inside the inputs file). */
  labelsPath?: string;
  batchSize?: number;
  /** Analyse at most this many samples. */
  limit?: number;
  /** Keep full per-token detail for this many first samples. */
  samples?: number;
  providers?: ProviderName[];
  load?: LoadOptions;
  /** Hand-written layer descriptions; by default read from the sidecar `<model>.moe.json`. */
  overrides?: Overrides;
  /** Run the expert-subset specialization study on the first `specialization.inputs` samples. */
  specialization?: SpecializeOptions & { inputs?: number };
  /** Inputs already loaded (a comparison feeds two models the same set); replaces `inputsPath`. */
  inputSet?: InputSet;
  /** ONNX Runtime's spinning worker threads (engine/session): off unless a benchmark's baseline asks. */
  spinning?: boolean;
}

/** One analysed batch: its rows, the confirmed layers and their routing, and the predictions. */
export interface BatchRouting {
  start: number;
  end: number;
  layers: MoeLayer[];
  routing: Record<string, LayerBatch>;
  predictions?: Int32Array;
}

export interface RunContext {
  signal?: AbortSignal;
  progress?: (progress: Progress) => void;
  /** Called after every batch and awaited before the next one runs (a comparison pairs two runs). */
  onBatch?: (batch: BatchRouting) => void | Promise<void>;
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new MoeScopeError('CANCELLED', 'Cancelled.');
}

/** Index of the largest value of each row of a [B, C] float tensor. */
function argmaxRows(output: Tensor): Int32Array | undefined {
  // float16 logits (half-precision exports) are compared by value, not by their bits.
  const t = output.dtype === 'float16' ? asFloat32(output)! : output;
  if (t.shape.length !== 2 || (t.dtype !== 'float32' && t.dtype !== 'float64')) return undefined;
  const [rows, cols] = t.shape as [number, number];
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++)
      if ((t.data[r * cols + c] as number) > (t.data[r * cols + best] as number)) best = c;
    out[r] = best;
  }
  return out;
}

async function loadLabels(path: string, count: number): Promise<Int32Array> {
  const labels = toLabels(parseNpy(await readDataFile(path), path), path);
  if (labels.length !== count) {
    throw new MoeScopeError(
      'BAD_REQUEST',
      `${path} holds ${labels.length} labels but the inputs have ${count} samples.`,
    );
  }
  return labels;
}

export async function analyzeModel(options: AnalyzeOptions, context: RunContext = {}): Promise<Report> {
  const started = performance.now();
  const { signal } = context;
  // Layers exported as model-local functions are inlined, so their routing tensors can be read.
  const file = await readModelBytes(options.modelPath);
  const { bytes, calls } = withModelErrors(options.modelPath, file.byteLength, () =>
    inlineLocalFunctions(file),
  );
  const summary = summariseModelBytes(bytes, options.modelPath);
  const graph = withModelErrors(options.modelPath, bytes.byteLength, () =>
    indexGraph(bytes, options.modelPath),
  );
  const detection = detectLayers(graph, bytes);
  const overrides = options.overrides ?? (await readSidecarOverrides(options.modelPath));
  detection.candidates = applyOverrides(graph, detection.candidates, overrides);
  const name = options.modelPath.split(/[\\/]/).pop();
  if (detection.candidates.length === 0) {
    throw new MoeScopeError(
      'NO_MOE_LAYER',
      `No MoE layer found in ${name}: ${detection.searched}.`,
      'If the model routes in a way MoE Scope does not recognise, name its tensors in a sidecar <model>.moe.json.',
    );
  }
  const exposed = detection.candidates.flatMap((c) =>
    Object.values(c.tensors).filter((t): t is string => !!t),
  );
  const instrumented = exposeTensors(
    bytes,
    graph,
    exposed.map((tensor) => ({ name: tensor })),
  );
  checkCancelled(signal);

  const inputs: InputSet =
    options.inputSet ??
    (await loadInputs(options.inputsPath, summary.inputs, {
      modelPath: options.modelPath,
      ...options.load,
    }));
  const count = Math.min(inputs.count, options.limit ?? Infinity);
  const labels = options.labelsPath ? await loadLabels(options.labelsPath, inputs.count) : inputs.labels;
  const fixedBatch = staticBatchSize(summary.inputs);
  const batchSize = fixedBatch ?? Math.max(1, options.batchSize ?? 32);
  const keep = Math.min(count, options.samples ?? 8);

  const hasExternalData = await checkExternalData(graph, options.modelPath);
  const { session, provider, fallbacks } = await openSession(instrumented, options.providers ?? ['cpu'], {
    ...(hasExternalData ? { externalDataDir: dirname(resolve(options.modelPath)) } : {}),
    ...(options.spinning ? { spinning: true } : {}),
  });
  const warnings: string[] = [...fallbacks];
  if (calls > 0)
    warnings.push(
      `${calls} call${calls > 1 ? 's' : ''} of model-local functions inlined to read the routing.`,
    );
  const predictionOutput = summary.outputs[0]?.name;
  let layers: MoeLayer[] = [];
  const accumulators = new Map<string, LayerAccumulator>();
  const perSample: SampleDetail[] = [];
  let correct = 0;
  let labelled = 0;
  let inferenceMs = 0;
  try {
    for (let start = 0; start < count; start += batchSize) {
      checkCancelled(signal);
      const end = Math.min(count, start + batchSize);
      const rows = end - start;
      const runRows = fixedBatch ?? rows;
      const batchInputs = inputs.batch(start, end);
      const feeds = Object.fromEntries(
        Object.entries(batchInputs).map(([k, v]) => [k, toOrt(padRows(v, runRows))]),
      );
      const t0 = performance.now();
      const results = await session.run(feeds);
      inferenceMs += performance.now() - t0;
      const outputs: Outputs = Object.fromEntries(
        Object.entries(results).map(([k, v]) => [k, unpadRows(fromOrt(k, v), runRows, rows)]),
      );
      if (start === 0) {
        layers = confirmAll(detection.candidates, outputs, rows, warnings);
        if (layers.length === 0) {
          throw new MoeScopeError(
            'NO_MOE_LAYER',
            `No MoE layer found in ${name}: ${detection.candidates.length} candidate(s) failed confirmation (${warnings.join('; ')}).`,
          );
        }
        const narrow = layers.filter((layer) => layer.dtype === 'float16');
        if (narrow.length)
          warnings.push(
            `${narrow.map((layer) => layer.id).join(', ')} route${narrow.length > 1 ? '' : 's'} in float16 ` +
              '(about 3 significant digits); MoE Scope reads the routing as float32.',
          );
        const classes = labels ? Math.max(...labels) + 1 : undefined;
        for (const layer of layers) {
          accumulators.set(
            layer.id,
            createAccumulator(layer.kind, {
              experts: layer.experts,
              slotsPerExpert: layer.slotsPerExpert,
              k: layer.k,
              ...(classes ? { classes } : {}),
            }),
          );
        }
      }
      const predictions = predictionOutput ? argmaxRows(outputs[predictionOutput]!) : undefined;
      const batchLabels = labels?.subarray(start, end);
      if (predictions && batchLabels) {
        for (let i = 0; i < rows; i++) correct += predictions[i] === batchLabels[i] ? 1 : 0;
        labelled += rows;
      }
      const routing: Record<string, LayerBatch> = {};
      for (const layer of layers) {
        const batch = extractBatch(layer, outputs, rows);
        routing[layer.id] = batch;
        accumulators.get(layer.id)!.add(batch, batchLabels);
        for (let i = 0; start + i < keep && i < rows; i++) {
          const index = start + i;
          perSample[index] ??= {
            index,
            ...(labels ? { label: labels[index]! } : {}),
            ...(predictions ? { prediction: predictions[i]! } : {}),
            ...(inputs.tokens ? { tokens: inputs.tokens[index]! } : {}),
            ...(isImageBatch(batchInputs) ? { image: inputImage(batchInputs, i)! } : {}),
            layers: {},
          };
          perSample[index]!.layers[layer.id] = sampleLayer(batch, i);
        }
      }
      await context.onBatch?.({ start, end, layers, routing, ...(predictions ? { predictions } : {}) });
      context.progress?.({ done: end, total: count, message: `${end}/${count} samples` });
    }
  } finally {
    await session.release();
  }

  const analysisMs = performance.now() - started;
  const specialization = options.specialization
    ? await specialize(bytes, graph, layers, {
        inputs,
        labels,
        count,
        output: predictionOutput,
        options,
        hasExternalData,
        context,
      })
    : undefined;

  const reportLayers: ReportLayer[] = layers.map((layer) => {
    const layerSummary = accumulators.get(layer.id)!.summary();
    if (layerSummary.nonFinite > 0)
      warnings.push(`${layer.id}: ${layerSummary.nonFinite} NaN/Inf routing values were skipped.`);
    return {
      id: layer.id,
      index: layer.index,
      kind: layer.kind,
      experts: layer.experts,
      ...(layer.slotsPerExpert !== undefined ? { slotsPerExpert: layer.slotsPerExpert } : {}),
      ...(layer.k !== undefined ? { k: layer.k } : {}),
      ...(layer.capacity !== undefined ? { capacity: layer.capacity } : {}),
      tokens: layer.tokens,
      tensors: Object.fromEntries(Object.entries(layer.tensors).filter(([, v]) => v)) as Record<
        string,
        string
      >,
      ...(layer.source ? { source: layer.source } : {}),
      evidence: layer.evidence,
      summary: layerSummary,
    };
  });
  const totalMs = performance.now() - started;
  const specializationMs = totalMs - analysisMs;
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'moe-scope', version: ENGINE_VERSION },
    createdAt: new Date().toISOString(),
    model: {
      path: options.modelPath,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      opset: summary.opset,
      producer: [summary.producer.name, summary.producer.version].filter(Boolean).join(' '),
      inputs: summary.inputs,
      outputs: summary.outputs,
    },
    provider,
    providerNotes: fallbacks,
    inputs: { source: inputs.source, count },
    samples: count,
    ...(labelled > 0 ? { accuracy: correct / labelled } : {}),
    layers: reportLayers,
    ...(perSample.length > 0 ? { perSample } : {}),
    ...(specialization ? { specialization } : {}),
    warnings: warnings.filter((w) => !fallbacks.includes(w)),
    timing: {
      totalMs,
      inferenceMs,
      samplesPerSecond: count / (analysisMs / 1000),
      ...(specialization ? { specializationMs } : {}),
    },
  };
}

function confirmAll(
  candidates: ReturnType<typeof detectLayers>['candidates'],
  outputs: Outputs,
  rows: number,
  warnings: string[],
): MoeLayer[] {
  const layers: MoeLayer[] = [];
  for (const candidate of candidates) {
    try {
      layers.push(confirmCandidate(candidate, outputs, rows, layers.length));
    } catch (error) {
      warnings.push(
        `${candidate.id} looked like a ${candidate.kind} router but was not confirmed: ${(error as Error).message}`,
      );
    }
  }
  return layers;
}

async function specialize(
  bytes: Uint8Array,
  graph: GraphIndex,
  layers: MoeLayer[],
  run: {
    inputs: InputSet;
    labels: Int32Array | undefined;
    count: number;
    output: string | undefined;
    options: AnalyzeOptions;
    hasExternalData: boolean;
    context: RunContext;
  },
): Promise<Specialization> {
  const notes: string[] = [];
  const points: MaskPoint[] = [];
  for (const layer of layers) {
    const point = maskPointFor(graph, layer, run.options.specialization?.renormalize === true);
    if (typeof point === 'string') notes.push(point);
    else points.push(point);
  }
  if (points.length === 0 || !run.output) {
    throw new MoeScopeError(
      'BAD_REQUEST',
      `Specialization needs a maskable MoE layer and a model output: ${notes.join('; ') || 'no output'}.`,
    );
  }
  const options = run.options.specialization!;
  let masked = addExpertMasks(bytes, graph, points);
  if (options.subsets === 'shared') {
    // The batch variant reads each layer's scores from the full model.
    masked = exposeTensors(
      masked,
      indexGraph(masked, run.options.modelPath),
      points.map((p) => ({ name: scoresTensorName(p.layer), dtype: 'float32' })),
    );
  }
  const model = await openMaskedModel({
    bytes: masked,
    path: run.options.modelPath,
    points,
    output: run.output,
    inputs: run.inputs,
    count: run.count,
    open: sessionOpener(run),
    split: options.sharedPrefix !== false,
    ...(options.subsets === 'shared' ? { extras: points.map((p) => scoresTensorName(p.layer)) } : {}),
    entriesAt: options.scope === 'all' ? 'first' : 'each',
  });
  try {
    const result = await runSpecialization(
      {
        model,
        points,
        inputs: run.inputs,
        count: Math.min(run.count, options.inputs ?? 256),
        ...(run.labels ? { labels: run.labels } : {}),
        output: run.output,
        ...(run.context.signal ? { signal: run.context.signal } : {}),
        progress: (done, total) =>
          run.context.progress?.({ done, total, message: `specialization ${done}/${total} inputs` }),
      },
      options,
    );
    if (model.reason && options.sharedPrefix !== false)
      notes.push(`Masked rows ran through the whole model: ${model.reason}.`);
    result.notes.unshift(...notes);
    return result;
  } finally {
    await model.release();
  }
}

function sessionOpener(run: { options: AnalyzeOptions; hasExternalData: boolean }) {
  return async (bytes: Uint8Array) =>
    (
      await openSession(bytes, run.options.providers ?? ['cpu'], {
        ...(run.hasExternalData ? { externalDataDir: dirname(resolve(run.options.modelPath)) } : {}),
        ...(run.options.spinning ? { spinning: true } : {}),
      })
    ).session;
}
