// Engine tier: the engine process, its client and the CLI against the committed fixtures.
import { findTests, runMocha } from './mocha.mjs';

export function runTier() {
  return runMocha(findTests('out/test/engine'), { timeout: 60_000 });
}
