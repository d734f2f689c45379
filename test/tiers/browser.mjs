// Browser tier: MoE Scope used the way a person does, in code-server's workbench driven by
// Chromium (test/browser). code-server is installed first, so its one-time install never counts
// against a test's timeout.
import { ensureCodeServer } from '../harness/codeServer.mjs';
import { findTests, runMocha } from './mocha.mjs';

export function runTier() {
  ensureCodeServer();
  return runMocha(findTests('out/test/browser'), { timeout: 120_000 });
}
