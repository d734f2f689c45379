// Runs the vscode tier's suites in desktop VS Code (Electron) through @vscode/test-electron, which
// downloads VS Code into .vscode-test/ on first use. For machines that can reach the VS Code download
// site; select it with MOE_SCOPE_VSCODE=electron. On Linux without a display, run it under
// `xvfb-run -a`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot, scratchDir } from '../harness/support.mjs';
import { createTestWorkspace } from '../harness/workspace.mjs';

/**
 * Runs `extensionTestsPath` (out/test/vscode/index.js) with MoE Scope loaded from the repository,
 * on a fresh test workspace, and returns the suite's counts.
 */
export async function runElectron({ extensionTestsPath, workspaceSettings = {} }) {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.warn('no display: desktop VS Code needs one on Linux (run under `xvfb-run -a`)');
  }
  const workspace = createTestWorkspace({ settings: workspaceSettings });
  const scratch = scratchDir('moe-scope-electron-');
  const resultsFile = join(scratch.path, 'results.json');
  try {
    let exitCode;
    try {
      exitCode = await runTests({
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath,
        extensionTestsEnv: { MOE_SCOPE_VSCODE_RESULTS: resultsFile },
        launchArgs: [
          workspace.folder,
          '--disable-extensions',
          '--disable-workspace-trust',
          '--skip-welcome',
          '--skip-release-notes',
          '--disable-gpu',
        ],
      });
    } catch (error) {
      // runTests rejects when VS Code exits non-zero (a failed test included): the counts say more.
      exitCode = typeof error?.code === 'number' ? error.code : 1;
      console.error(`VS Code test run ended with an error: ${error?.message ?? error}`);
    }
    let counts;
    try {
      counts = JSON.parse(readFileSync(resultsFile, 'utf8'));
    } catch {
      console.error(`the suite wrote no results to ${resultsFile} (exit code ${exitCode})`);
      return { passed: 0, failed: 1, skipped: 0 };
    }
    if (exitCode !== 0 && counts.failed === 0) counts.failed = 1;
    return counts;
  } finally {
    workspace.dispose();
    scratch.dispose();
  }
}
