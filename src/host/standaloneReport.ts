/** The standalone HTML report, built from the same webview bundle the panel uses. */
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { standaloneHtml } from '../core/report/html';
import type { Report } from '../core/report/types';

export async function standaloneReportHtml(report: Report, extensionUri: vscode.Uri): Promise<string> {
  const dir = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const [script, style] = await Promise.all([
    fs.readFile(vscode.Uri.joinPath(dir, 'report.js').fsPath, 'utf8'),
    fs.readFile(vscode.Uri.joinPath(dir, 'report.css').fsPath, 'utf8').catch(() => ''),
  ]);
  return standaloneHtml(report, { script, style });
}
