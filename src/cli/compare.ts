/**
 * `moe-scope compare A.onnx B.onnx`: runs two checkpoints on the same inputs and prints, per
 * layer pair, how well their experts align and how much their routing agrees. Errors propagate
 * to the caller, which maps them to exit codes like `analyze` (2 usage, 3 no MoE layer, 1 other).
 */
import { writeFile } from 'node:fs/promises';
import { comparisonHtml } from '../core/compare/html';
import { comparisonToJson } from '../core/compare/json';
import type { CompareResult } from '../core/compare/types';
import { compareModels } from '../engine/compare';
import type { ProviderName } from '../engine/session';
import { formatComparison } from './formatComparison';
import { readPageAssets } from '../core/html/pageAssets';
import { webviewBundleDir } from './htmlReport';
import { progressBar } from './progressBar';

export const COMPARE_USAGE = `
compare options (moe-scope compare A.onnx B.onnx [options]):
  --inputs FILE      data both models read (as for analyze); synthetic from A's input spec if omitted
  --labels FILE.npy  integer class labels (per-class load deltas, accuracies)
  --tokenizer FILE   tokenizer.json for text inputs
  --batch N          samples per run (default 32)
  --limit N          compare on at most N samples
  --samples N        per-token detail kept in each report for the first N (default 8)
  --provider P       cpu, cuda or webgpu (default cpu)
  --specialization   also run the specialization study on both (curves per layer pair)
  --json OUT.json    write both reports and the comparison ("moe-scope/comparison@1")
  --html OUT.html    write a standalone comparison page (opens offline in any browser)
  --quiet            no table, no progress
`;

export const COMPARE_OPTIONS = {
  quiet: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  json: { type: 'string' },
  html: { type: 'string' },
  inputs: { type: 'string' },
  labels: { type: 'string' },
  tokenizer: { type: 'string' },
  batch: { type: 'string' },
  limit: { type: 'string' },
  samples: { type: 'string' },
  provider: { type: 'string' },
  specialization: { type: 'boolean' },
} as const;

type Values = Partial<Record<string, string | boolean>>;

/** Runs the command; `usage` builds the caller's usage error (exit code 2). */
export async function runCompare(
  models: string[],
  values: Values,
  out: NodeJS.WritableStream,
  err: NodeJS.WriteStream,
  usage: (message: string) => Error,
): Promise<number> {
  if (models.length !== 2) throw usage('compare takes exactly two models: A.onnx B.onnx');
  const text = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
  const whole = (key: string, least: number) => {
    const value = text(key);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < least)
      throw usage(`--${key} must be an integer ≥ ${least}, got "${value}"`);
    return n;
  };
  const provider = text('provider');
  if (provider !== undefined && provider !== 'cpu' && provider !== 'cuda' && provider !== 'webgpu')
    throw usage(`--provider must be cpu, cuda or webgpu, got "${provider}"`);
  const limit = whole('limit', 1);
  const bar = values.quiet ? progressBar({ isTTY: false } as NodeJS.WriteStream) : progressBar(err);
  const result = await compareModels(
    {
      modelA: models[0]!,
      modelB: models[1]!,
      ...(text('inputs') ? { inputsPath: text('inputs') } : {}),
      ...(text('labels') ? { labelsPath: text('labels') } : {}),
      batchSize: whole('batch', 1) ?? 32,
      ...(limit ? { limit } : {}),
      samples: whole('samples', 0) ?? 8,
      providers: provider ? [provider as ProviderName, 'cpu'] : ['cpu'],
      load: text('tokenizer') ? { tokenizer: text('tokenizer') } : {},
      ...(values.specialization ? { specialization: { scope: 'layer' as const, inputs: limit ?? 256 } } : {}),
    },
    { progress: (p) => bar.update(p.done, p.total) },
  );
  bar.done();
  const jsonPath = text('json');
  if (jsonPath) await writeFile(jsonPath, comparisonToJson(result));
  const htmlPath = text('html');
  if (htmlPath) await writeComparisonHtml(result, htmlPath);
  if (!values.quiet) {
    out.write(formatComparison(result));
    if (jsonPath) out.write(`comparison written to ${jsonPath}\n`);
    if (htmlPath) out.write(`comparison page written to ${htmlPath}\n`);
  }
  return 0;
}

/** Writes the standalone comparison page with the compare views' bundle next to the CLI's own. */
export async function writeComparisonHtml(
  result: CompareResult,
  outPath: string,
  bundleDir = webviewBundleDir(),
): Promise<void> {
  const assets = await readPageAssets(bundleDir, 'compare-report', 'compare views');
  await writeFile(outPath, comparisonHtml(result, assets));
}
