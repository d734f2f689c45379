/**
 * `moe-scope`: the headless command line. It runs the same core as the engine, in-process.
 *
 * Exit codes: 0 success, 1 error, 2 usage error (3 is reserved for "no MoE layer found").
 */
import { parseArgs } from 'node:util';
import { describeError, MoeScopeError, toErrorValue } from './core/errors';
import { inspectModel } from './core/onnx/inspect';
import { formatSummary } from './cli/formatSummary';
import { ENGINE_VERSION } from './engine/version';

const USAGE = `moe-scope ${ENGINE_VERSION} — see what the routers of Mixture-of-Experts ONNX models do

Usage:
  moe-scope inspect MODEL.onnx [--json]   summarise a model without running it
  moe-scope --version | --help

Options:
  --json       print the result as JSON instead of a table
  --verbose    print stack traces with errors
`;

class UsageError extends Error {}

export async function main(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  let verbose = argv.includes('--verbose');
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }).valueOf() as { values: Record<string, boolean | undefined>; positionals: string[] };
    verbose = values.verbose === true;
    if (values.help) {
      out.write(USAGE);
      return 0;
    }
    if (values.version) {
      out.write(`${ENGINE_VERSION}\n`);
      return 0;
    }
    const [command, ...rest] = positionals;
    switch (command) {
      case 'inspect': {
        if (rest.length !== 1) throw new UsageError('inspect takes exactly one MODEL.onnx');
        const summary = await inspectModel(rest[0]!);
        out.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
        return 0;
      }
      case undefined:
        throw new UsageError('no command given');
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err.write(`moe-scope: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    const value = toErrorValue(error);
    err.write(`moe-scope: ${describeError(value)}\n`);
    if (verbose && value.detail) err.write(`${value.detail}\n`);
    else if (!(error instanceof MoeScopeError)) err.write('(run with --verbose for details)\n');
    return 1;
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
