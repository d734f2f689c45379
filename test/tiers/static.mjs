// Static checks: type-checking (host and webview configs), ESLint and Prettier. Each is one check.
import { spawnSync } from 'node:child_process';

const bin = (name) => `node_modules/.bin/${name}`;
const CHECKS = [
  ['typecheck (host, core, engine, tests)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  ['typecheck (webview)', bin('tsc'), ['-p', 'webview/tsconfig.json', '--noEmit']],
  ['typecheck (test pages)', bin('tsc'), ['-p', 'test/browser/pages/tsconfig.json', '--noEmit']],
  ['eslint', bin('eslint'), ['.']],
  ['prettier', bin('prettier'), ['--check', '.', '--log-level', 'warn']],
];

export async function runTier() {
  let passed = 0;
  let failed = 0;
  for (const [name, command, args] of CHECKS) {
    const run = spawnSync(command, args, { encoding: 'utf8' });
    if (run.status === 0) {
      passed++;
      console.log(`  ✔ ${name}`);
    } else {
      failed++;
      console.log(`  ✘ ${name}\n${run.stdout}${run.stderr}`);
    }
  }
  return { passed, failed, skipped: 0 };
}
