/** The status bar item naming the execution provider MoE Scope runs models with. */
import * as vscode from 'vscode';
import type { PingResult } from '../protocol/engine';

export class ProviderStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'moeScope.provider',
    vscode.StatusBarAlignment.Right,
    100,
  );

  constructor() {
    this.item.name = 'MoE Scope execution provider';
  }

  /** Shows the provider a run used, or the first usable one of the configured list. */
  update(engine: PingResult, provider: string): void {
    this.item.text = `$(circuit-board) MoE: ${provider}`;
    this.item.tooltip = engine.ortVersion
      ? `MoE Scope runs models with ONNX Runtime ${engine.ortVersion} on ${provider}.\nAvailable here: ${engine.providers.join(', ')}`
      : `ONNX Runtime is not available: ${engine.ortError ?? 'unknown reason'}`;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
