// VS Code tier: MoE Scope's mocha suites (test/vscode) inside a real VS Code extension host.
//
// By default the VS Code is code-server's (installed on demand into .cache/code-server/; no VS Code
// download), with Chromium driving the workbench only to receive the suite's log and exit code.
// MOE_SCOPE_VSCODE=electron runs the same suites in desktop VS Code through @vscode/test-electron,
// on machines that can download VS Code.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { format } from 'node:util';
import {
  captureConsole,
  ensureCodeServer,
  launchChromium,
  LogTail,
  repoRoot,
  saveDiagnostics,
  startCodeServer,
  withTimeout,
} from '../harness/codeServer.mjs';
import { createTestWorkspace } from '../harness/workspace.mjs';

const SUITE_TIMEOUT_MS = 5 * 60_000;
const RESULT_LINE = /MoE Scope vscode suite result: (\{[^}]*\})/;
const resultsDir = join(repoRoot, 'test-results', 'vscode');
export const testsIndex = join(repoRoot, 'out', 'test', 'vscode', 'index.js');

/** Settings of the test workspace: run on CPU, nothing else. */
// A small specialization study keeps each run of the demo to a few seconds on a shared CPU.
export const WORKSPACE_SETTINGS = {
  'moeScope.executionProviders': ['cpu'],
  'moeScope.maxInputs': 256,
  'moeScope.specialization.inputs': 32,
};

export async function runTier() {
  if (!existsSync(testsIndex)) {
    throw new Error(`${testsIndex} is missing: build with \`node esbuild.mjs --tests\``);
  }
  if (process.env.MOE_SCOPE_VSCODE === 'electron') {
    const { runElectron } = await import('../vscode/runElectron.mjs');
    return runElectron({ extensionTestsPath: testsIndex, workspaceSettings: WORKSPACE_SETTINGS });
  }
  return runInCodeServer();
}

/** Reads the counts line the runner prints last; a failed exit without one counts as one failure. */
export function countsFrom(lines, exitCode) {
  let counts;
  for (const line of lines) {
    const match = RESULT_LINE.exec(line);
    if (match) counts = JSON.parse(match[1]);
  }
  if (!counts) return { passed: 0, failed: 1, skipped: 0 };
  if (exitCode !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

/**
 * Turns one codeAutomationLog call into text. The workbench passes console-style arguments: the
 * extension host's own console arguments (mocha's '%s' format strings included), as strings.
 */
function logText(args) {
  const parts = (Array.isArray(args) ? args : [args]).map((a) =>
    typeof a === 'string' ? a : JSON.stringify(a),
  );
  return format(...parts);
}

function saveExitLogs(logs) {
  if (!Array.isArray(logs)) return;
  for (const { relativePath, contents } of logs) {
    if (typeof relativePath !== 'string' || relativePath.includes('..')) continue;
    const file = join(resultsDir, 'logs', relativePath);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, contents ?? '');
  }
}

async function runInCodeServer() {
  ensureCodeServer();
  rmSync(resultsDir, { recursive: true, force: true }); // Artefacts describe the latest run only.
  mkdirSync(resultsDir, { recursive: true });
  const workspace = createTestWorkspace({ settings: WORKSPACE_SETTINGS });
  const suiteLog = new LogTail(500);
  const pageLog = new LogTail(200);
  let server;
  let browser;
  let page;
  let diagnosed = false;
  const diagnose = async (name) => {
    diagnosed = true;
    await saveDiagnostics(page, resultsDir, name, { suite: suiteLog, page: pageLog, server: server?.log });
  };
  try {
    server = await startCodeServer({
      folder: workspace.folder,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testsIndex,
    });
    console.log(`code-server on port ${server.port}, workspace ${workspace.folder}`);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    captureConsole(page, pageLog);

    let finished;
    const exit = new Promise((resolve) => (finished = resolve));
    // Both hooks must exist before the workbench loads: it checks for them at startup.
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const text = logText(args);
      suiteLog.push(text);
      for (const line of text.split('\n')) console.log(`  ${line}`);
    });
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      saveExitLogs(logs);
      finished(code);
    });
    await page.goto(server.url);

    let exitCode;
    try {
      const serverDied = server.exited.then((how) => {
        throw new Error(`code-server ended (${how}) before the VS Code suite finished`);
      });
      exitCode = await withTimeout(
        Promise.race([exit, serverDied]),
        SUITE_TIMEOUT_MS,
        `the VS Code suite did not finish within ${SUITE_TIMEOUT_MS / 60_000} minutes`,
      );
    } catch (error) {
      await diagnose('timeout');
      throw error;
    }
    const counts = countsFrom(suiteLog.lines, exitCode);
    console.log(`the VS Code test run exited with ${exitCode}`);
    if (counts.failed > 0) await diagnose('failure');
    return counts;
  } catch (error) {
    if (!diagnosed) await diagnose('error');
    throw error;
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    workspace.dispose();
  }
}
