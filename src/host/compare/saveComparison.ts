/**
 * Saves what the compare panel exports: PNG and CSV made in the webview go through the analysis
 * panel's export path; the comparison JSON (both reports and the comparison) is written here.
 */
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { comparisonToJson } from '../../core/compare/json';
import type { CompareResult } from '../../core/compare/types';
import type { FromCompare } from '../../protocol/compareWebview';
import { saveExport } from '../exportFile';

type ExportMessage = Extract<FromCompare, { type: 'export' }>;

/** Asks where to save (next to checkpoint A by default) and writes the file. */
export async function saveComparisonExport(
  message: ExportMessage,
  result: CompareResult | undefined,
  modelA: vscode.Uri,
  extensionUri: vscode.Uri,
): Promise<vscode.Uri | undefined> {
  if (message.format !== 'json') return saveExport(message, undefined, modelA, extensionUri);
  if (!result) {
    void vscode.window.showWarningMessage('MoE Scope: nothing to export as JSON yet.');
    return undefined;
  }
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(modelA, '..', message.fileName),
    filters: { 'MoE Scope comparison': ['json'] },
    title: 'MoE Scope: export the comparison as JSON',
  });
  if (!target) return undefined;
  await fs.writeFile(target.fsPath, comparisonToJson(result));
  void vscode.window.showInformationMessage(`MoE Scope: saved ${vscode.workspace.asRelativePath(target)}.`);
  return target;
}
