/**
 * What the suites running inside VS Code share: the extension's API, workspace paths, the CLI's
 * report on a checkpoint to check against, and a deadline-bounded wait on a condition (tests wait
 * on state, never on the clock).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { reportFromJson } from '../../src/core/report/read';
import type { Report } from '../../src/core/report/types';
import type { MoeScopeApi } from '../../src/extension';
import type { InputRequest } from '../../src/host/inputChoice';

export const EXTENSION_ID = 'moe-scope.moe-scope';
export const DEMO_MODEL_NAME = 'softmoe_vit.onnx';

/** Activates MoE Scope (if it is not already) and returns the API that `activate()` returned. */
export async function moeScope(): Promise<MoeScopeApi> {
  const extension = vscode.extensions.getExtension<MoeScopeApi | undefined>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded in this VS Code`);
  const api = await extension.activate();
  if (!api) throw new Error(`${EXTENSION_ID} activated without an API (activation failed)`);
  return api;
}

export function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the MoE Scope tests need a workspace folder');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

export function demoUri(): vscode.Uri {
  return workspaceUri(DEMO_MODEL_NAME);
}

/** A path inside the repository: the extension under test is loaded from it. */
export function repoPath(...segments: string[]): string {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded in this VS Code`);
  return join(extension.extensionPath, ...segments);
}

/**
 * `moe-scope analyze` on a checkpoint (32 bundled images, no per-sample detail), the way a user
 * scripts it, read back as a report: what the suites check the editor's numbers against.
 */
export function analyzeWithCli(model: string): Report {
  const out = `${model}.report.json`;
  execFileSync(
    process.execPath,
    [
      repoPath('dist', 'cli.js'),
      'analyze',
      model,
      '--inputs',
      repoPath('media', 'demo', 'fashion-mnist-test.npz'),
    ].concat(['--limit', '32', '--samples', '0', '--json', out, '--quiet']),
    { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
  );
  return reportFromJson(readFileSync(out, 'utf8'));
}

/**
 * A folder `name` in the workspace with the fixtures' model code (test/fixtures/workspace) and a
 * copy of the demo checkpoint beside it, as a project that exported the checkpoint looks.
 */
export function modelFolder(name: string): { folder: string; model: string } {
  const folder = join(workspaceUri().fsPath, name);
  mkdirSync(folder, { recursive: true });
  cpSync(repoPath('test', 'fixtures', 'workspace'), folder, { recursive: true });
  const model = join(folder, DEMO_MODEL_NAME);
  copyFileSync(repoPath('media', 'demo', DEMO_MODEL_NAME), model);
  return { folder, model };
}

/**
 * Polls `condition` until it returns a truthy value and returns it; fails with `what` once
 * `timeoutMs` have passed. For state that changes through VS Code's asynchronous messages.
 */
export async function waitFor<T>(
  what: string,
  condition: () => T | undefined | null | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function panelFor(api: MoeScopeApi, model: vscode.Uri) {
  return api.panels.open.find((entry) => entry.model.toString() === model.toString());
}

/** Closes every editor, webview and extra editor group, and waits until MoE Scope has let go of its panels. */
export async function closeAllEditors(api: MoeScopeApi): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllGroups');
  await waitFor('MoE Scope panels to close', () => api.panels.open.length === 0);
}

/**
 * Runs the Analyze Experts command the way the explorer menu does, with a model Uri, on the bundled
 * Fashion-MNIST inputs unless told otherwise; resolves with the report, or undefined on failure.
 */
export function analyzeExperts(
  model: vscode.Uri,
  inputs: InputRequest = { kind: 'demo' },
): Thenable<Report | undefined> {
  return vscode.commands.executeCommand<Report | undefined>('moeScope.analyzeExperts', model, inputs);
}
