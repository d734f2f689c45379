/**
 * The analysis panel: one webview per checkpoint, opened beside the active editor. It follows the
 * "ready, then whole snapshots" pattern: until the webview says it is ready the host keeps only the
 * latest message, then sends it. UI state lives in the webview (getState/setState); data is always
 * re-sent by the host, so a restored panel re-runs its analysis instead of persisting results.
 */
import * as vscode from 'vscode';
import type { ErrorValue } from '../core/errors';
import type { ModelSummary } from '../core/onnx/types';
import type { Outcome } from '../protocol/engine';
import { isFromPanel, isPanelState, ToPanel } from '../protocol/webview';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';

export const ANALYSIS_VIEW_TYPE = 'moeScope.analysis';

/** Runs the engine work for one checkpoint; provided by the command layer. */
export type Analyze = (
  model: vscode.Uri,
) => Promise<{ outcome: Outcome<ModelSummary>; provider: string | null }>;

class AnalysisPanel {
  private ready = false;
  private latest: ToPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly model: vscode.Uri,
    extensionUri: vscode.Uri,
    private readonly analyze: Analyze,
    onDispose: () => void,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'moe-scope.svg');
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, {
      template: 'panel.html',
      script: 'panel.js',
      style: 'panel.css',
    });
    panel.webview.onDidReceiveMessage(this.onMessage, this, this.disposables);
    panel.onDidDispose(
      () => {
        onDispose();
        vscode.Disposable.from(...this.disposables).dispose();
      },
      null,
      this.disposables,
    );
  }

  /** The last snapshot sent or queued, for tests and diagnostics. */
  get lastMessage(): ToPanel | undefined {
    return this.latest;
  }

  async run(): Promise<Outcome<ModelSummary>> {
    this.post({ type: 'busy', modelPath: this.model.fsPath, message: 'Reading the model…' });
    const { outcome, provider } = await this.analyze(this.model);
    if (outcome.ok) this.post({ type: 'summary', summary: outcome.value, provider });
    else this.post({ type: 'error', modelPath: this.model.fsPath, error: outcome.error as ErrorValue });
    return outcome;
  }

  private post(message: ToPanel): void {
    this.latest = message;
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private onMessage(message: unknown): void {
    if (!isFromPanel(message)) return; // Never act on malformed input from the webview.
    switch (message.type) {
      case 'ready':
        this.ready = true;
        if (this.latest) void this.panel.webview.postMessage(this.latest);
        return;
      case 'refresh':
        void this.run();
        return;
    }
  }
}

export class AnalysisPanels implements vscode.WebviewPanelSerializer {
  private readonly panels = new Map<string, AnalysisPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly analyze: Analyze,
  ) {}

  /** Opens (or reveals) the panel for a checkpoint beside the active editor and analyses it. */
  async show(model: vscode.Uri): Promise<{ panel: vscode.WebviewPanel; outcome: Outcome<ModelSummary> }> {
    const key = model.toString();
    let entry = this.panels.get(key);
    if (entry) {
      entry.panel.reveal(vscode.ViewColumn.Beside, false);
    } else {
      const panel = vscode.window.createWebviewPanel(ANALYSIS_VIEW_TYPE, titleFor(model), {
        viewColumn: vscode.ViewColumn.Beside,
        preserveFocus: false,
      });
      entry = this.adopt(panel, model);
    }
    const outcome = await entry.run();
    return { panel: entry.panel, outcome };
  }

  /** Restores a panel after a reload: the webview state says which checkpoint it showed. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isPanelState(state)) {
      panel.dispose();
      return;
    }
    await this.adopt(panel, vscode.Uri.file(state.modelPath)).run();
  }

  /** Open panels, for tests and diagnostics. */
  get open(): { model: vscode.Uri; panel: vscode.WebviewPanel; lastMessage: ToPanel | undefined }[] {
    return [...this.panels.values()].map((p) => ({
      model: p.model,
      panel: p.panel,
      lastMessage: p.lastMessage,
    }));
  }

  dispose(): void {
    for (const entry of this.panels.values()) entry.panel.dispose();
  }

  private adopt(panel: vscode.WebviewPanel, model: vscode.Uri): AnalysisPanel {
    const key = model.toString();
    const entry = new AnalysisPanel(panel, model, this.extensionUri, this.analyze, () =>
      this.panels.delete(key),
    );
    this.panels.set(key, entry);
    return entry;
  }
}

function titleFor(model: vscode.Uri): string {
  const name = model.path.split('/').pop() ?? model.path;
  return `MoE Scope: ${name}`;
}
