/**
 * `moe-scope`: the headless command line. It runs the same core and engine code as the extension,
 * in-process, and writes the same report.
 *
 * Exit codes: 0 success, 1 error, 2 usage error, 3 the model has no MoE layer.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { COMPARE_OPTIONS, COMPARE_USAGE, runCompare } from './cli/compare';
import { formatReport } from './cli/formatReport';
import { writeHtmlReport } from './cli/htmlReport';
import { formatInspection } from './cli/formatSummary';
import { progressBar } from './cli/progressBar';
import { describeError, MoeScopeError, toErrorValue } from './core/errors';
import { inspectWithLayers } from './core/detect/inspectLayers';
import { reportToJson } from './core/report/json';
import { analyzeModel } from './engine/analyze';
import type { ProviderName } from './engine/session';
import { ENGINE_VERSION } from './engine/version';

const USAGE = `moe-scope ${ENGINE_VERSION}: see what the routers of Mixture-of-Experts ONNX models do

Usage:
  moe-scope analyze MODEL.onnx [options]   run the model and report per-layer routing
  moe-scope inspect MODEL.onnx [--json]    summarise a model without running it
  moe-scope compare A.onnx B.onnx [options]  run two checkpoints on the same inputs, align their
                                           experts and compare their routing per layer
  moe-scope --version | --help

analyze options:
  --inputs FILE      .npy .npz .safetensors .json, an image or a folder of images, or text
                     (.txt, with --tokenizer); synthetic inputs from the model's spec if omitted
  --labels FILE.npy  integer class labels (else the "labels" array of an .npz/.safetensors)
  --tokenizer FILE   tokenizer.json for text inputs
  --batch N          samples per run (default 32)
  --limit N          analyse at most N samples
  --samples N        keep per-token detail (dispatch/combine, probs, top-k) for the first N (default 8)
  --provider P       cpu, cuda or webgpu (falls back to cpu with a note; default cpu)
  --allow-nan        accept NaN/Inf inputs (their routing is counted and skipped in the metrics)
  --specialization   expert-subset study (Chung et al.): keep the k best experts per input, k = 1…n,
                     against random subsets, the exhaustive optimum (n ≤ 16) and single-expert
                     knockouts, on the first --limit inputs (default 256)
  --scope S          layer (each layer alone), all (every layer at once) or both (default)
  --seeds N          random subsets per input and k (default 10)
  --subsets M        per-input (Algorithm 1, default), shared (one ranking for all inputs from summed
                     scores: the batch variant) or shared-class (one ranking per class)
  --renormalize      drop experts by −∞ logits before both softmaxes (combine renormalised) instead
                     of zeroing their outputs (the paper's rule, the default)
  --json OUT.json    write the report ("moe-scope/report@1")
  --html OUT.html    write a standalone HTML report (opens offline in any browser)
  --quiet            no table, no progress
  --verbose          stack traces with errors
${COMPARE_USAGE}`;

class UsageError extends Error {}

const COMMON = {
  quiet: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

const INSPECT_OPTIONS = { ...COMMON, json: { type: 'boolean' } } as const;

const ANALYZE_OPTIONS = {
  ...COMMON,
  json: { type: 'string' },
  html: { type: 'string' },
  inputs: { type: 'string' },
  labels: { type: 'string' },
  tokenizer: { type: 'string' },
  batch: { type: 'string' },
  limit: { type: 'string' },
  samples: { type: 'string' },
  provider: { type: 'string' },
  'allow-nan': { type: 'boolean' },
  specialization: { type: 'boolean' },
  scope: { type: 'string' },
  seeds: { type: 'string' },
  subsets: { type: 'string' },
  renormalize: { type: 'boolean' },
} as const;

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

/** A non-negative integer option (0 allowed, e.g. --samples 0 keeps no per-token detail). */
function count(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--${name} must be a whole number ≥ 0, got "${value}"`);
  return n;
}

function provider(value: string | undefined): ProviderName[] {
  if (value === undefined) return ['cpu'];
  if (value !== 'cpu' && value !== 'cuda' && value !== 'webgpu') {
    throw new UsageError(`--provider must be cpu, cuda or webgpu, got "${value}"`);
  }
  return [value, 'cpu'];
}

function scope(value: string | undefined): 'layer' | 'all' | 'both' {
  if (value === undefined) return 'both';
  if (value !== 'layer' && value !== 'all' && value !== 'both')
    throw new UsageError(`--scope must be layer, all or both, got "${value}"`);
  return value;
}

function subsets(value: string | undefined): { subsets: 'per-input' | 'shared'; sharedBy?: 'all' | 'class' } {
  if (value === undefined || value === 'per-input') return { subsets: 'per-input' };
  if (value === 'shared') return { subsets: 'shared', sharedBy: 'all' };
  if (value === 'shared-class') return { subsets: 'shared', sharedBy: 'class' };
  throw new UsageError(`--subsets must be per-input, shared or shared-class, got "${value}"`);
}

export async function main(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  let verbose = argv.includes('--verbose');
  try {
    // Options depend on the command (inspect's --json is a flag, analyze's names a file).
    const command = argv.find((arg) => !arg.startsWith('-'));
    let parsed;
    try {
      const options =
        command === 'inspect' ? INSPECT_OPTIONS : command === 'compare' ? COMPARE_OPTIONS : ANALYZE_OPTIONS;
      parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const values = parsed.values as Partial<Record<string, string | boolean>>;
    const positionals = parsed.positionals;
    verbose = values.verbose === true;
    if (values.help) {
      out.write(USAGE);
      return 0;
    }
    if (values.version) {
      out.write(`${ENGINE_VERSION}\n`);
      return 0;
    }
    const rest = positionals.slice(1);
    if (command === undefined) throw new UsageError('no command given');
    if (command !== 'inspect' && command !== 'analyze' && command !== 'compare')
      throw new UsageError(`unknown command "${command}"`);
    if (command === 'compare') return await runCompare(rest, values, out, err, (m) => new UsageError(m));
    if (rest.length !== 1) throw new UsageError(`${command} takes exactly one MODEL.onnx`);
    const modelPath = rest[0]!;

    if (command === 'inspect') {
      const inspection = await inspectWithLayers(modelPath);
      out.write(values.json ? `${JSON.stringify(inspection, null, 2)}\n` : formatInspection(inspection));
      return 0;
    }

    const text = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
    const bar = values.quiet ? progressBar({ isTTY: false } as NodeJS.WriteStream) : progressBar(err);
    const report = await analyzeModel(
      {
        modelPath,
        inputsPath: text('inputs'),
        labelsPath: text('labels'),
        batchSize: positiveInt('batch', text('batch')) ?? 32,
        limit: positiveInt('limit', text('limit')),
        samples: count('samples', text('samples')) ?? 8,
        providers: provider(text('provider')),
        load: { tokenizer: text('tokenizer'), allowNonFinite: values['allow-nan'] === true },
        specialization: values.specialization
          ? {
              scope: scope(text('scope')),
              seeds: positiveInt('seeds', text('seeds')) ?? 10,
              inputs: positiveInt('limit', text('limit')) ?? 256,
              ...subsets(text('subsets')),
              renormalize: values.renormalize === true,
            }
          : undefined,
      },
      { progress: (p) => bar.update(p.done, p.total) },
    );
    bar.done();
    const jsonPath = text('json');
    if (jsonPath) await writeFile(jsonPath, reportToJson(report));
    const htmlPath = text('html');
    if (htmlPath) await writeHtmlReport(report, htmlPath);
    if (!values.quiet) {
      out.write(formatReport(report));
      if (jsonPath) out.write(`report written to ${jsonPath}\n`);
      if (htmlPath) out.write(`HTML report written to ${htmlPath}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      err.write(`moe-scope: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    const value = toErrorValue(error);
    err.write(`moe-scope: ${describeError(value)}\n`);
    if (verbose && value.detail) err.write(`${value.detail}\n`);
    else if (!(error instanceof MoeScopeError)) err.write('(run with --verbose for details)\n');
    return value.code === 'NO_MOE_LAYER' ? 3 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => {
      process.stderr.write(`moe-scope: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
