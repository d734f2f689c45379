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

  /** Shows the provider that ran the last analysis, with any fallbacks in the tooltip. */
  ran(provider: string, notes: string[]): void {
    this.item.text = `$(circuit-board) MoE: ${provider}`;
    this.item.tooltip = [`MoE Scope ran the last analysis on ${provider}.`, ...notes].join('\n');
    this.item.show();
  }

  /** The text shown, for tests. */
  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
