/**
 * Decides which checkpoint a command works on: an explicit argument (explorer menu, tests), the
 * active .onnx tab, the `moeScope.checkpoint` setting, or the user's pick among recent checkpoints,
 * the workspace's .onnx files, the bundled demo and a file browser.
 */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { Config } from './config';
import type { RecentModels } from './recentModels';

function isOnnx(uri: vscode.Uri | undefined): uri is vscode.Uri {
  return !!uri && uri.path.toLowerCase().endsWith('.onnx');
}

function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input && typeof input === 'object' && 'uri' in input && input.uri instanceof vscode.Uri)
    return input.uri;
  return vscode.window.activeTextEditor?.document.uri;
}

export function demoModel(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'media', 'demo', 'softmoe_vit.onnx');
}

interface ModelItem extends vscode.QuickPickItem {
  uri?: vscode.Uri;
  browse?: boolean;
}

export async function pickModel(
  argument: unknown,
  config: Config,
  extensionUri: vscode.Uri,
  recent?: RecentModels,
  title = 'MoE Scope: choose an ONNX checkpoint',
): Promise<vscode.Uri | undefined> {
  if (argument instanceof vscode.Uri) return argument;
  const active = activeTabUri();
  if (isOnnx(active)) return active;
  if (config.checkpoint) return config.checkpoint;
  return askForModel(extensionUri, title, recent);
}

export async function askForModel(
  extensionUri: vscode.Uri,
  title: string,
  recent?: RecentModels,
): Promise<vscode.Uri | undefined> {
  const found = await vscode.workspace.findFiles('**/*.onnx', '**/node_modules/**', 200);
  const items: ModelItem[] = (recent?.paths ?? [])
    .filter((path) => existsSync(path))
    .map((path) => ({
      label: `$(history) ${vscode.workspace.asRelativePath(path)}`,
      description: 'recent',
      uri: vscode.Uri.file(path),
    }));
  const listed = new Set(items.map((i) => i.uri!.fsPath));
  items.push(
    ...found
      .filter((uri) => !listed.has(uri.fsPath))
      .sort((a, b) => a.path.localeCompare(b.path))
      .map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
  );

  items.push(
    {
      label: 'Bundled demo: Soft MoE ViT on Fashion-MNIST',
      description: 'softmoe_vit.onnx',
      uri: demoModel(extensionUri),
    },
    { label: 'Browse…', browse: true },
  );
  const choice = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: 'Checkpoint exported to ONNX',
  });
  if (!choice) return undefined;
  if (!choice.browse) return choice.uri;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { ONNX: ['onnx'] },
    title,
  });
  return picked?.[0];
}
