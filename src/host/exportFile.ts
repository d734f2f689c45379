/**
 * Saves what the panel exports: PNG and CSV made in the webview, the report as JSON, or a
 * standalone HTML report. The user picks the place; the webview only proposes a file name.
 */
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { reportToJson } from '../core/report/json';
import type { Report } from '../core/report/types';
import type { ExportFormat } from '../protocol/webview';
import { standaloneReportHtml } from './standaloneReport';

const FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  png: { 'PNG image': ['png'] },
  csv: { 'CSV table': ['csv'] },
  json: { 'MoE Scope report': ['json'] },
  html: { 'HTML report': ['html'] },
};

export interface ExportRequest {
  format: ExportFormat;
  fileName: string;
  data?: Uint8Array | string;
}

/** The bytes to write for a request, or undefined when the request lacks what its format needs. */
export async function exportBytes(
  request: ExportRequest,
  report: Report | undefined,
  extensionUri: vscode.Uri,
): Promise<Uint8Array | undefined> {
  switch (request.format) {
    case 'png':
      return request.data instanceof Uint8Array ? request.data : undefined;
    case 'csv':
      return typeof request.data === 'string' ? new TextEncoder().encode(request.data) : undefined;
    case 'json':
      return report ? new TextEncoder().encode(reportToJson(report)) : undefined;
    case 'html':
      return report ? new TextEncoder().encode(await standaloneReportHtml(report, extensionUri)) : undefined;
  }
}

/** Asks where to save (next to the checkpoint by default) and writes the file. */
export async function saveExport(
  request: ExportRequest,
  report: Report | undefined,
  model: vscode.Uri,
  extensionUri: vscode.Uri,
): Promise<vscode.Uri | undefined> {
  const bytes = await exportBytes(request, report, extensionUri);
  if (!bytes) {
    void vscode.window.showWarningMessage(
      `MoE Scope: nothing to export as ${request.format.toUpperCase()} yet.`,
    );
    return undefined;
  }
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(model, '..', request.fileName),
    filters: FILTERS[request.format],
    title: `MoE Scope: export ${request.format.toUpperCase()}`,
  });
  if (!target) return undefined;
  await fs.writeFile(target.fsPath, bytes);
  void vscode.window.showInformationMessage(`MoE Scope: saved ${vscode.workspace.asRelativePath(target)}.`);
  return target;
}
