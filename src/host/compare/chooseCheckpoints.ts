/**
 * Decides which two checkpoints "Compare Checkpoints" compares: the explorer's selection of two
 * .onnx files (the right-clicked one is A), one file given (A; B is picked), or two picks.
 */
import * as vscode from 'vscode';
import { askForModel } from '../pickModel';
import type { RecentModels } from '../recentModels';
import { basename } from '../runEngine';

export interface CheckpointPair {
  a: vscode.Uri;
  b: vscode.Uri;
}

function asUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'string' && value) return vscode.Uri.file(value);
  return undefined;
}

function isOnnx(uri: vscode.Uri): boolean {
  return uri.path.toLowerCase().endsWith('.onnx');
}

/** The .onnx files of an explorer selection, each once, in selection order. */
export function selectedCheckpoints(selected: unknown): vscode.Uri[] {
  if (!Array.isArray(selected)) return [];
  const seen = new Set<string>();
  const found: vscode.Uri[] = [];
  for (const item of selected) {
    const uri = asUri(item);
    if (!uri || !isOnnx(uri) || seen.has(uri.toString())) continue;
    seen.add(uri.toString());
    found.push(uri);
  }
  return found;
}

export async function chooseCheckpoints(
  clicked: unknown,
  selected: unknown,
  extensionUri: vscode.Uri,
  recent?: RecentModels,
): Promise<CheckpointPair | undefined> {
  const picked = selectedCheckpoints(selected);
  if (picked.length > 2) {
    void vscode.window.showWarningMessage(
      `MoE Scope compares two checkpoints at a time; ${picked.length} .onnx files are selected.`,
    );
    return undefined;
  }
  const first = asUri(clicked);
  if (picked.length === 2) {
    // The right-clicked file is A, the reference; the other one is B.
    const a = picked.find((u) => u.toString() === first?.toString()) ?? picked[0]!;
    return { a, b: picked.find((u) => u !== a)! };
  }
  const a =
    first && isOnnx(first)
      ? first
      : await askForModel(extensionUri, 'MoE Scope: checkpoint A, the reference of the comparison', recent);
  if (!a) return undefined;
  const b = await askForModel(
    extensionUri,
    `MoE Scope: checkpoint B, to compare with ${basename(a)}`,
    recent,
  );
  return b ? { a, b } : undefined;
}
