/**
 * Builds webview HTML from a template file in media/: fills in the CSP source, a fresh nonce per
 * load, and the URIs of the bundled script and stylesheet. Nothing else is interpolated, so no data
 * ever ends up inside the HTML.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';

export function createNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function renderWebviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  page: { template: string; script: string; style: string },
): string {
  const template = readFileSync(vscode.Uri.joinPath(extensionUri, 'media', page.template).fsPath, 'utf8');
  const values: Record<string, string> = {
    cspSource: webview.cspSource,
    nonce: createNonce(),
    scriptUri: webview
      .asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', page.script))
      .toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', page.style)).toString(),
  };
  return template.replace(/\{\{(\w+)\}\}/g, (match, key: string) => values[key] ?? match);
}

/** Webview options shared by every MoE Scope panel: scripts on, resources only from our bundle. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

/**
 * Makes a webview panel one of MoE Scope's: its options, icon and page, its messages to `onMessage`,
 * and `onDispose` when it closes, after which everything registered in `disposables` is released.
 */
export function setUpPanel(
  panel: vscode.WebviewPanel,
  extensionUri: vscode.Uri,
  page: { template: string; script: string; style: string },
  handlers: { onMessage: (message: unknown) => void; onDispose: () => void },
  disposables: vscode.Disposable[],
): void {
  panel.webview.options = webviewOptions(extensionUri);
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'moe-scope.svg');
  panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, page);
  panel.webview.onDidReceiveMessage(handlers.onMessage, undefined, disposables);
  panel.onDidDispose(
    () => {
      handlers.onDispose();
      vscode.Disposable.from(...disposables).dispose();
    },
    null,
    disposables,
  );
}
