/**
 * The compare panel: one webview per pair of checkpoints, opened beside the active editor. Like the
 * analysis panel it waits for the webview's "ready", then sends whole snapshots (only the latest is
 * kept until then). A panel restored after a reload knows its two checkpoints and inputs from the
 * webview state; it shows the pair's stored comparison (marked stale when a checkpoint changed), or
 * offers to compare again when there is none.
 */
import * as vscode from 'vscode';
import type { CompareResult } from '../../core/compare/types';
import {
  isCompareState,
  isFromCompare,
  type CompareInputs,
  type FromCompare,
  type ToCompare,
} from '../../protocol/compareWebview';
import { setUpPanel } from '../webviewHtml';
import type { CheckpointPair } from './chooseCheckpoints';
import { saveComparisonExport } from './saveComparison';

export const COMPARE_VIEW_TYPE = 'moeScope.compare';

/** Runs the comparison of a panel's pair again (set by the command layer). */
export type CompareRerun = (panel: ComparePanel) => Promise<void>;

export class ComparePanel {
  private ready = false;
  private latest: ToCompare | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  result: CompareResult | undefined;
  inputs: CompareInputs | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly pair: CheckpointPair,
    private readonly host: { extensionUri: vscode.Uri; rerun: CompareRerun },
    onDispose: () => void,
  ) {
    setUpPanel(
      panel,
      host.extensionUri,
      { template: 'compare.html', script: 'compare.js', style: 'compare-panel.css' },
      { onMessage: (message) => this.onMessage(message), onDispose },
      this.disposables,
    );
  }

  /** The last snapshot sent or queued, for tests and diagnostics. */
  get lastMessage(): ToCompare | undefined {
    return this.latest;
  }

  post(message: ToCompare): void {
    this.latest = message;
    if (message.type === 'comparison') {
      this.result = message.result;
      this.inputs = message.inputs;
    }
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  /** The paths every snapshot carries. */
  get paths(): { modelA: string; modelB: string } {
    return { modelA: this.pair.a.fsPath, modelB: this.pair.b.fsPath };
  }

  private onMessage(message: unknown): void {
    if (!isFromCompare(message)) return; // Never act on malformed input from the webview.
    void this.handle(message);
  }

  private async handle(message: FromCompare): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        if (this.latest) void this.panel.webview.postMessage(this.latest);
        return;
      case 'rerun':
        await this.host.rerun(this);
        return;
      case 'export':
        await saveComparisonExport(message, this.result, this.pair.a, this.host.extensionUri);
        return;
    }
  }
}

function fileName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.path;
}

function keyOf(pair: CheckpointPair): string {
  return `${pair.a.toString()}\n${pair.b.toString()}`;
}

/** Shows a restored panel's stored comparison; false when there is none (set by the command layer). */
export type CompareRestore = (panel: ComparePanel) => Promise<boolean>;

export class ComparePanels implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private readonly panels = new Map<string, ComparePanel>();
  rerun: CompareRerun = async () => {};
  restore: CompareRestore = async () => false;

  constructor(readonly extensionUri: vscode.Uri) {}

  /** The open panel of a pair, if any. */
  get(pair: CheckpointPair): ComparePanel | undefined {
    return this.panels.get(keyOf(pair));
  }

  /** Opens (or reveals) the pair's panel beside the active editor. */
  open(pair: CheckpointPair): ComparePanel {
    const entry = this.get(pair);
    if (entry) {
      entry.panel.reveal(entry.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
      return entry;
    }
    const panel = vscode.window.createWebviewPanel(
      COMPARE_VIEW_TYPE,
      `MoE Scope: ${fileName(pair.a)} ↔ ${fileName(pair.b)}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
    );
    return this.adopt(panel, pair);
  }

  /** Restores a panel after a reload: the webview state names the checkpoints and inputs. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isCompareState(state)) {
      panel.dispose();
      return;
    }
    const target = this.adopt(panel, { a: vscode.Uri.file(state.modelA), b: vscode.Uri.file(state.modelB) });
    target.inputs = state.inputs;
    if (await this.restore(target)) return;
    target.post({
      type: 'notice',
      ...target.paths,
      notice: state.inputs
        ? `This comparison is from an earlier session on ${state.inputs.label}. Compare again to see it.`
        : 'This comparison is from an earlier session. Compare again to see it.',
      canRun: state.inputs !== undefined,
    });
  }

  /** Open panels, for tests and diagnostics. */
  get all(): ComparePanel[] {
    return [...this.panels.values()];
  }

  dispose(): void {
    for (const entry of this.panels.values()) entry.panel.dispose();
  }

  private adopt(panel: vscode.WebviewPanel, pair: CheckpointPair): ComparePanel {
    const key = keyOf(pair);
    const entry = new ComparePanel(panel, pair, this, () => this.panels.delete(key));
    this.panels.set(key, entry);
    return entry;
  }
}
