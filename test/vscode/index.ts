/**
 * The test runner VS Code loads inside its extension host (`--extensionTestsPath`, or the
 * `extensionTestsPath` entry of a code-server workbench URL). It runs every compiled suite under
 * this folder with mocha and ends with one line of counts, which the vscode tier reads from the
 * relayed log; when MOE_SCOPE_VSCODE_RESULTS names a file, the counts are also written there as JSON
 * (the route the Electron runner uses, whose output is not relayed line by line).
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/** The tier looks for this prefix, followed by the counts as JSON. */
export const RESULT_LINE_PREFIX = 'MoE Scope vscode suite result:';

function findSuites(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...findSuites(path));
    else if (name.endsWith('.test.js')) files.push(path);
  }
  return files.sort();
}

export function run(): Promise<void> {
  const grep = process.env.MOE_SCOPE_GREP ? { grep: process.env.MOE_SCOPE_GREP } : {};
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000, ...grep });
  const suites = findSuites(__dirname);
  for (const file of suites) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    const finish = (counts: { passed: number; failed: number; skipped: number }) => {
      console.log(`${RESULT_LINE_PREFIX} ${JSON.stringify(counts)}`);
      const resultsFile = process.env.MOE_SCOPE_VSCODE_RESULTS;
      if (resultsFile) writeFileSync(resultsFile, `${JSON.stringify(counts)}\n`);
      if (counts.failed > 0) reject(new Error(`${counts.failed} MoE Scope test(s) failed in VS Code`));
      else if (counts.passed === 0) reject(new Error(`no MoE Scope tests ran (looked in ${__dirname})`));
      else resolve();
    };
    try {
      const runner = mocha.run(() => {
        const stats = runner.stats;
        finish({ passed: stats?.passes ?? 0, failed: stats?.failures ?? 0, skipped: stats?.pending ?? 0 });
      });
    } catch (error) {
      // A suite that fails to load never reaches the callback.
      console.error(`MoE Scope vscode suites could not load: ${(error as Error).stack ?? error}`);
      finish({ passed: 0, failed: 1, skipped: 0 });
    }
  });
}
