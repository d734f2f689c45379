/**
 * The analysis panel: one webview per checkpoint, opened beside the active editor. It follows the
 * "ready, then whole snapshots" pattern: until the webview says it is ready the host keeps only the
 * latest snapshot, then sends it. UI state (view, layer, sample) lives in the webview's own state;
 * reports live in the report store, so a panel restored after a reload shows its last report
 * without running the model again.
 */
import * as vscode from 'vscode';
import type { Report } from '../core/report/types';
import { isFromPanel, isPanelState, type FromPanel, type ToPanel } from '../protocol/webview';
import { saveExport } from './exportFile';
import type { InputChoice, InputRequest } from './inputChoice';
import type { ReportStore } from './reportStore';
import type { TokenDecorations } from './tokenDecorations';
import { setUpPanel } from './webviewHtml';

export const ANALYSIS_VIEW_TYPE = 'moeScope.analysis';

/** What the command layer does for a panel: run things in the engine and ask the user. */
export interface PanelRunner {
  /** Analyse (routing, then specialization) and post snapshots; resolves with the routing report. */
  run(panel: PanelTarget, inputs: InputChoice | InputRequest | undefined): Promise<Report | undefined>;
  /** Shows what is known without running: the stored report, or the model's structure. */
  showStored(panel: PanelTarget): Promise<void>;
  /** Asks for inputs (quick pick) for this panel's model. */
  pickInputs(panel: PanelTarget): Promise<InputChoice | undefined>;
}

/** The part of a panel the runner talks to. */
export interface PanelTarget {
  readonly model: vscode.Uri;
  inputs: InputChoice | undefined;
  report: Report | undefined;
  post(message: ToPanel): void;
}

class AnalysisPanel implements PanelTarget {
  private ready = false;
  private latest: ToPanel | undefined;
  private pendingReveal: ToPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  inputs: InputChoice | undefined;
  report: Report | undefined;
  /** The layer and sample the webview shows, for editor decorations. */
  selection: { layer: string; sample: number } | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly model: vscode.Uri,
    private readonly host: PanelHost,
    onDispose: () => void,
  ) {
    setUpPanel(
      panel,
      host.extensionUri,
      { template: 'panel.html', script: 'panel.js', style: 'panel.css' },
      {
        onMessage: (message) => this.onMessage(message),
        onDispose: () => {
          onDispose();
          if (this.inputs?.text) host.decorations.clear(this.inputs.text.uri);
        },
      },
      this.disposables,
    );
  }

  /** The last snapshot sent or queued, for tests and diagnostics. */
  get lastMessage(): ToPanel | undefined {
    return this.latest;
  }

  /** The last selection the host moved the webview to, for tests and diagnostics. */
  lastReveal: ToPanel | undefined;

  post(message: ToPanel): void {
    if (message.type === 'reveal') {
      this.lastReveal = message;
      if (this.ready) void this.panel.webview.postMessage(message);
      else this.pendingReveal = message;
      return;
    }
    this.latest = message;
    if (message.type === 'report') this.report = message.report;
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private onMessage(message: unknown): void {
    if (!isFromPanel(message)) return; // Never act on malformed input from the webview.
    void this.handle(message);
  }

  private async handle(message: FromPanel): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        if (this.latest) void this.panel.webview.postMessage(this.latest);
        if (this.pendingReveal) void this.panel.webview.postMessage(this.pendingReveal);
        this.pendingReveal = undefined;
        return;
      case 'refresh': {
        const inputs =
          message.pickInputs || !this.inputs ? await this.host.runner.pickInputs(this) : this.inputs;
        if (inputs) await this.host.runner.run(this, inputs);
        return;
      }
      case 'export':
        await saveExport(message, this.report, this.model, this.host.extensionUri);
        return;
      case 'select':
        this.selection = { layer: message.layer, sample: message.sample };
        this.decorate();
        return;
      case 'goToSource':
        await vscode.commands.executeCommand('moeScope.goToSource', {
          modelPath: this.model.fsPath,
          layer: message.layer,
        });
        return;
    }
  }

  /** Colours the analysed text by expert for the selected layer (text inputs only). */
  decorate(): void {
    const text = this.inputs?.text;
    if (!text || !this.report) return;
    const layer =
      this.selection?.layer && this.report.layers.some((l) => l.id === this.selection!.layer)
        ? this.selection.layer
        : this.report.layers.find((l) => l.kind !== 'soft_moe')?.id;
    if (layer) this.host.decorations.show(text, this.report, layer);
  }
}

interface PanelHost {
  extensionUri: vscode.Uri;
  runner: PanelRunner;
  decorations: TokenDecorations;
}

export class AnalysisPanels implements vscode.WebviewPanelSerializer, PanelHost {
  private readonly panels = new Map<string, AnalysisPanel>();
  runner!: PanelRunner;

  constructor(
    readonly extensionUri: vscode.Uri,
    readonly store: ReportStore,
    readonly decorations: TokenDecorations,
  ) {}

  /** Opens (or reveals) the panel for a checkpoint beside the active editor. */
  openPanel(model: vscode.Uri): { panel: vscode.WebviewPanel; target: AnalysisPanel; created: boolean } {
    const key = model.toString();
    const entry = this.panels.get(key);
    if (entry) {
      entry.panel.reveal(entry.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
      return { panel: entry.panel, target: entry, created: false };
    }
    const panel = vscode.window.createWebviewPanel(ANALYSIS_VIEW_TYPE, titleFor(model), {
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: true,
    });
    const target = this.adopt(panel, model);
    return { panel, target, created: true };
  }

  /** Opens the panel and analyses the checkpoint on the given inputs. */
  async analyze(
    model: vscode.Uri,
    inputs: InputChoice | InputRequest | undefined,
  ): Promise<{ panel: vscode.WebviewPanel; report: Report | undefined }> {
    const { panel, target } = this.openPanel(model);
    const report = await this.runner.run(target, inputs);
    return { panel, report };
  }

  /** Shows a layer (and sample) in the checkpoint's panel, opening it with the stored report if needed. */
  async reveal(model: vscode.Uri, layer?: string, sample?: number): Promise<vscode.WebviewPanel> {
    const { panel, target, created } = this.openPanel(model);
    if (created) await this.runner.showStored(target);
    target.post({ type: 'reveal', ...(layer ? { layer } : {}), ...(sample !== undefined ? { sample } : {}) });
    return panel;
  }

  /** Restores a panel after a reload: the webview state says which checkpoint it showed. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isPanelState(state)) {
      panel.dispose();
      return;
    }
    const target = this.adopt(panel, vscode.Uri.file(state.modelPath));
    await this.runner.showStored(target);
  }

  /** Open panels, for tests and diagnostics. */
  get open(): {
    model: vscode.Uri;
    panel: vscode.WebviewPanel;
    lastMessage: ToPanel | undefined;
    lastReveal: ToPanel | undefined;
  }[] {
    return [...this.panels.values()].map((p) => ({
      model: p.model,
      panel: p.panel,
      lastMessage: p.lastMessage,
      lastReveal: p.lastReveal,
    }));
  }

  /** The panel of a checkpoint, if open. */
  get(model: vscode.Uri): AnalysisPanel | undefined {
    return this.panels.get(model.toString());
  }

  dispose(): void {
    for (const entry of this.panels.values()) entry.panel.dispose();
  }

  private adopt(panel: vscode.WebviewPanel, model: vscode.Uri): AnalysisPanel {
    const key = model.toString();
    const entry = new AnalysisPanel(panel, model, this, () => this.panels.delete(key));
    this.panels.set(key, entry);
    return entry;
  }
}

function titleFor(model: vscode.Uri): string {
  const name = model.path.split('/').pop() ?? model.path;
  return `MoE Scope: ${name}`;
}
