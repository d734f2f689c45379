// Runs compiled mocha test files in this process and returns their counts.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function findTests(dir) {
  const files = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...findTests(path));
    else if (name.endsWith('.test.js')) files.push(path);
  }
  return files.sort();
}

export function runMocha(files, options = {}) {
  // MOE_SCOPE_GREP runs only the tests whose full title matches (a focused run while working).
  const grep = process.env.MOE_SCOPE_GREP ? { grep: process.env.MOE_SCOPE_GREP } : {};
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 20_000, ...options, ...grep });
  for (const file of files) mocha.addFile(file);
  return new Promise((resolve) => {
    const runner = mocha.run(() => {
      const stats = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      resolve({ passed: stats.passes, failed: stats.failures, skipped: stats.pending });
    });
  });
}
