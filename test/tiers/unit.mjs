// Unit tier: pure code (core, protocol) in plain Node.
import { findTests, runMocha } from './mocha.mjs';

export function runTier() {
  return runMocha(findTests('out/test/unit'));
}
