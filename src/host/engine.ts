/**
 * The extension's single engine client, its log channel, and how engine failures reach the user.
 */
import * as vscode from 'vscode';
import { describeError, ErrorValue } from '../core/errors';
import { EngineClient } from './engineClient';

export interface EngineService {
  client: EngineClient;
  output: vscode.LogOutputChannel;
  /** Shows an engine failure to the user (and remembers it, for diagnostics and tests). */
  reportError(action: string, error: ErrorValue): void;
  /** The most recent errors shown, newest last. */
  readonly recentErrors: string[];
}

export function createEngineService(context: vscode.ExtensionContext): EngineService {
  const output = vscode.window.createOutputChannel('MoE Scope', { log: true });
  const client = new EngineClient({
    enginePath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'engine.js').fsPath,
    log: (line) => output.info(line),
  });
  const recentErrors: string[] = [];
  context.subscriptions.push(output, { dispose: () => client.dispose() });
  return {
    client,
    output,
    recentErrors,
    reportError(action, error) {
      if (error.code === 'CANCELLED') return;
      const text = `MoE Scope: ${action} failed. ${describeError(error)}`;
      recentErrors.push(text);
      if (recentErrors.length > 20) recentErrors.shift();
      output.error(`${text}${error.detail ? `\n${error.detail}` : ''}`);
      void vscode.window.showErrorMessage(text, 'Show Log').then((choice) => {
        if (choice) output.show(true);
      });
    },
  };
}
