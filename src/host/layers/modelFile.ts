/** Where a report's checkpoint is on disk: reports made by the CLI may hold a relative path. */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';

/** The absolute path of `modelPath`: as is, or the first workspace folder that holds it. */
export function resolveModelPath(modelPath: string): string {
  if (isAbsolute(modelPath)) return modelPath;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const candidate = join(folder.uri.fsPath, modelPath);
    if (existsSync(candidate)) return candidate;
  }
  return modelPath;
}

export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
