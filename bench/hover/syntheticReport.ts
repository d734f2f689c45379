/**
 * A report shaped like one of a large open MoE language model: 64 token-choice top-8 layers of 64
 * experts (`model.layers.{i}.mlp`), per-layer load with a realistic spread (log-normal shares,
 * some layers near balance and some skewed), co-activation matrices, and a specialization study
 * with a curve per layer. The numbers are synthetic (seeded); the sizes are those of a real report.
 */
import { seededRandom } from '../../src/core/data/random';
import type { TopKSummary } from '../../src/core/analysis/types';
import { REPORT_SCHEMA, type Report, type ReportLayer } from '../../src/core/report/types';
import type { SpecializationCurve } from '../../src/core/specialization/types';

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function shares(random: () => number, n: number, spread: number): number[] {
  const w = Array.from({ length: n }, () => Math.exp(spread * normal(random)));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / total);
}

function summary(random: () => number, experts: number, k: number, layer: number): TopKSummary {
  const spread = 0.1 + 0.7 * (layer / 63) ** 2; // later layers specialise more
  const load = shares(random, experts, spread);
  const mean = 1 / experts;
  const cv = Math.sqrt(load.reduce((a, v) => a + (v - mean) ** 2, 0) / experts) / mean;
  const coActivation = load.map(() => shares(random, experts, spread).map((v) => Math.min(1, v * k)));
  const entropy = 0.95 - 0.3 * spread + 0.02 * normal(random);
  return {
    kind: 'topk',
    samples: 2048,
    tokens: 512,
    expertLoad: load,
    top1Share: shares(random, experts, spread),
    balance: { cv, switchAux: experts * load.reduce((a, v) => a + v * v, 0) },
    nonFinite: 0,
    expertCount: load,
    routingEntropy: entropy,
    routingEntropyBits: entropy * Math.log2(experts),
    coActivation,
    renormalized: false,
  };
}

function curve(random: () => number, id: string, experts: number, inputs: number): SpecializationCurve {
  const k = Array.from({ length: experts }, (_, i) => i + 1);
  const rankedAt = (x: number) => 0.72 * (1 - Math.exp(-x / 3));
  const randomAt = (x: number) => 0.72 * (1 - Math.exp(-x / 9));
  return {
    layer: id,
    experts,
    k,
    ranked: {
      accuracy: k.map(rankedAt),
      agreement: k.map((x) => rankedAt(x) / 0.72),
      kl: k.map((x) => Math.exp(-x / 3)),
    },
    random: {
      accuracy: k.map(randomAt),
      agreement: k.map((x) => randomAt(x) / 0.72),
      kl: k.map((x) => Math.exp(-x / 9)),
      std: { accuracy: k.map(() => 0.02), agreement: k.map(() => 0.02), kl: k.map(() => 0.01) },
      seeds: 10,
    },
    smallestK: Array.from({ length: inputs }, () => 1 + Math.floor(random() * 12)),
  };
}

export function syntheticReport(modelPath: string, layers = 64, experts = 64, k = 8): Report {
  const random = seededRandom(1234); // The same report on every run.
  const reportLayers: ReportLayer[] = Array.from({ length: layers }, (_, i) => ({
    id: `model.layers.${i}.mlp`,
    index: i,
    kind: 'topk',
    experts,
    k,
    tokens: 512,
    tensors: {
      probs: `/model/layers.${i}/mlp/Softmax_output_0`,
      topkIndices: `/model/layers.${i}/mlp/TopK_output_1`,
      topkWeights: `/model/layers.${i}/mlp/TopK_output_0`,
    },
    evidence: 'softmax over experts → TopK (k = 8)',
    summary: summary(random, experts, k, i),
  }));
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'moe-scope', version: '0.1.0' },
    createdAt: '2026-01-01T00:00:00.000Z',
    model: {
      path: modelPath,
      sha256: '0'.repeat(64),
      opset: 17,
      producer: 'pytorch 2.4.0',
      inputs: [],
      outputs: [],
    },
    provider: 'cuda',
    providerNotes: [],
    inputs: { source: 'c4-validation.npz', count: 2048 },
    samples: 2048,
    layers: reportLayers,
    specialization: {
      method: 'combine-mass',
      scope: 'per-layer',
      subsets: 'per-input',
      renormalized: false,
      inputs: 256,
      baseline: { accuracy: 0.72, agreement: 1 },
      curves: reportLayers.map((l) => curve(random, l.id, experts, 256)),
      fractions: [],
      notes: [],
    },
    warnings: [],
    timing: { totalMs: 60_000, inferenceMs: 50_000, samplesPerSecond: 40 },
  };
}
