/** The standalone HTML report, built from the same webview bundle the panel uses. */
import * as vscode from 'vscode';
import { readPageAssets } from '../core/html/pageAssets';
import { standaloneHtml } from '../core/report/html';
import type { Report } from '../core/report/types';

export async function standaloneReportHtml(report: Report, extensionUri: vscode.Uri): Promise<string> {
  const dir = vscode.Uri.joinPath(extensionUri, 'dist', 'webview').fsPath;
  return standaloneHtml(report, await readPageAssets(dir, 'report', 'report views'));
}
