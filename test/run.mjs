// Runs MoE Scope's test tiers and prints one count line per tier and a total.
//   node test/run.mjs                 static checks, then the tiers: unit, engine, vscode, browser
//   node test/run.mjs unit engine     only those
// Each tier module in test/tiers/ exports `runTier(): Promise<{ passed, failed, skipped }>`.
import { execFileSync } from 'node:child_process';

const ALL = ['static', 'unit', 'engine', 'vscode', 'browser'];
const requested = process.argv.slice(2);
const tiers = requested.length ? requested : ALL;
for (const tier of tiers) {
  if (!ALL.includes(tier)) {
    console.error(`unknown tier "${tier}"; choose from ${ALL.join(', ')}`);
    process.exit(2);
  }
}

// Build the extension and the test bundles once for every tier.
execFileSync(process.execPath, ['esbuild.mjs', '--tests'], { stdio: 'inherit' });

const results = [];
for (const tier of tiers) {
  console.log(`\n=== ${tier} tier ===`);
  const started = Date.now();
  const { runTier } = await import(`./tiers/${tier}.mjs`);
  let counts;
  try {
    counts = await runTier();
  } catch (error) {
    console.error(`${tier} tier could not run: ${error?.stack ?? error}`);
    counts = { passed: 0, failed: 1, skipped: 0 };
  }
  results.push({ tier, ...counts, seconds: (Date.now() - started) / 1000 });
}

console.log('\n=== summary ===');
let passed = 0;
let failed = 0;
let skipped = 0;
for (const r of results) {
  console.log(
    `${r.tier}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped (${r.seconds.toFixed(1)} s)`,
  );
  passed += r.passed;
  failed += r.failed;
  skipped += r.skipped;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
