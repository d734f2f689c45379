// Chromium (Debian's, driven by playwright-core) pointed at code-server's workbench, and what a
// failed run leaves behind for a person to look at.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { repoRoot } from './support.mjs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Where the browser suites write their screenshots and a failed test's diagnostics. */
export const BROWSER_RESULTS_DIR = join(repoRoot, 'test-results', 'browser');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches Debian's Chromium headless through playwright-core (which adds --headless itself).
 * Playwright gives every launch a fresh temporary profile (user-data-dir) and deletes it on close.
 */
export function launchChromium() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

/** Records the page's console output and errors into `tail` (and echoes them when asked). */
export function captureConsole(page, tail, echo = false) {
  page.on('console', (message) => {
    const line = `[page ${message.type()}] ${message.text()}`;
    tail.push(line);
    if (echo) console.log(line);
  });
  page.on('pageerror', (error) => tail.push(`[page error] ${error.message}`));
}

/** Waits until the workbench has rendered its parts and opened the workspace folder. */
export async function waitForWorkbench(page, timeoutMs = 90_000) {
  await page.locator('.monaco-workbench .part.editor').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  // The explorer lists the folder once the remote file system answered.
  await page
    .locator('.explorer-folders-view .monaco-list-row')
    .first()
    .waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Writes a screenshot and the last log lines where a failed run can be looked at. */
export async function saveDiagnostics(page, dir, name, tails = {}) {
  mkdirSync(dir, { recursive: true });
  const saved = [];
  if (page && !page.isClosed()) {
    const shot = join(dir, `${name}.png`);
    try {
      await page.screenshot({ path: shot, timeout: 15_000 });
      saved.push(shot);
    } catch (error) {
      console.error(`could not save a screenshot: ${error.message}`);
    }
  }
  for (const [label, tail] of Object.entries(tails)) {
    if (!tail || tail.lines.length === 0) continue;
    const file = join(dir, `${name}.${label}.log`);
    writeFileSync(file, `${tail.text()}\n`);
    saved.push(file);
    console.error(`--- last ${label} lines ---\n${tail.text(30)}`);
  }
  if (saved.length) console.error(`diagnostics saved: ${saved.join(', ')}`);
  return saved;
}

/**
 * For an afterEach hook: when `test` (mocha's `this.currentTest`) failed, saves diagnostics under
 * BROWSER_RESULTS_DIR named `prefix-<test title>`. Every browser suite names its failures this one
 * way, so the files of a failed test are found by its title.
 */
export async function saveDiagnosticsIfFailed(test, page, prefix, tails = {}) {
  if (test?.state !== 'failed') return [];
  const title = (test.title || 'failure').replace(/[^\w-]+/g, '-').slice(0, 60);
  return saveDiagnostics(page, BROWSER_RESULTS_DIR, `${prefix}-${title}`, tails);
}

/**
 * The text of every cell of the table rows `rows` finds (e.g. `.my-table tbody tr`, or
 * `vscode-table-row` elements, whose cells are their children), read in the page in one call: how
 * the suites compare a rendered table with the numbers behind it.
 */
export function tableCells(rows) {
  return rows.evaluateAll((trs) =>
    trs.map((tr) => [...(tr.cells ?? tr.children)].map((td) => td.textContent)),
  );
}

/**
 * Waits until `expression` (page-side source text) is truthy, polling from Node. Playwright's own
 * waitForFunction compiles a source-text predicate inside the page, which a page whose policy has no
 * 'unsafe-eval' refuses; evaluating from outside is not subject to the page's policy.
 */
export async function waitForExpression(page, expression, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(expression)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
