/**
 * The model view: the read-only editor MoE Scope opens for .onnx files, instead of VS Code's
 * "binary file" notice. It shows what inspection reads without running anything (the MoE layers
 * the graph shows, inputs, outputs, operators) and the checkpoint's latest analysis, and hands
 * "Analyze Experts", "Compare with…" and "Open Report" to the commands. It follows changes to
 * the file and to the stored reports.
 */
import * as vscode from 'vscode';
import { statsLine } from '../core/link/layerStats';
import type { Report } from '../core/report/types';
import { FromModelView, isFromModelView, LatestAnalysis, ToModelView } from '../protocol/modelView';
import type { CommandDeps } from './commands';
import { inspectParams } from './runEngine';
import { setUpPanel } from './webviewHtml';

export const MODEL_VIEW_TYPE = 'moeScope.model';

const PAGE = { template: 'panel.html', script: 'model.js', style: 'panel.css' };

async function latestOf(deps: CommandDeps, report: Report | undefined): Promise<LatestAnalysis | undefined> {
  if (!report) return undefined;
  return {
    createdAt: report.createdAt,
    samples: report.samples,
    inputs: report.inputs.source,
    provider: report.provider,
    stale: (await deps.isStale(report.model.path)) ?? false,
    layers: Object.fromEntries(report.layers.map((layer) => [layer.id, statsLine(layer)])),
  };
}

class ModelView {
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;

  constructor(
    private readonly deps: CommandDeps,
    private readonly uri: vscode.Uri,
    private readonly panel: vscode.WebviewPanel,
  ) {
    setUpPanel(
      panel,
      deps.context.extensionUri,
      PAGE,
      { onMessage: (message) => void this.receive(message), onDispose: () => undefined },
      this.disposables,
    );
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), uri.path.split('/').pop()!),
    );
    watcher.onDidChange(() => void this.show(), undefined, this.disposables);
    watcher.onDidCreate(() => void this.show(), undefined, this.disposables);
    this.disposables.push(
      watcher,
      deps.reports.onDidChange((report) => {
        if (report.model.path === uri.fsPath) void this.show();
      }),
    );
  }

  private post(message: ToModelView): void {
    void this.panel.webview.postMessage(message);
  }

  /** Reads the checkpoint (in the engine, nothing runs) and sends the whole snapshot. */
  async show(): Promise<void> {
    if (!this.ready) return;
    const { deps, uri } = this;
    // Not inspectCheckpoint: the view shows a failure itself, without a notification.
    const inspection = await deps.engine.client.request('moeScope/inspect', inspectParams(deps.config, uri));
    if (!inspection.ok) {
      this.post({ type: 'error', modelPath: uri.fsPath, error: inspection.error });
      return;
    }
    await deps.reports.loaded();
    const latest = await latestOf(deps, deps.reports.get(uri.fsPath));
    this.post({
      type: 'inspection',
      inspection: inspection.value,
      trusted: vscode.workspace.isTrusted,
      ...(latest ? { latest } : {}),
    });
  }

  private async receive(message: unknown): Promise<void> {
    if (!isFromModelView(message)) return;
    const commands: Record<Exclude<FromModelView['type'], 'ready'>, () => Thenable<unknown>> = {
      analyze: () => vscode.commands.executeCommand('moeScope.analyzeExperts', this.uri),
      compare: () => vscode.commands.executeCommand('moeScope.compareCheckpoints', this.uri),
      openReport: () =>
        vscode.commands.executeCommand('moeScope.revealLayer', { modelPath: this.uri.fsPath }),
    };
    if (message.type === 'ready') {
      this.ready = true;
      await this.show();
      return;
    }
    await commands[message.type]();
  }
}

/** Opens .onnx files in the model view (the default editor for them; "Open With…" offers others). */
export function registerModelView(deps: CommandDeps): void {
  const provider: vscode.CustomReadonlyEditorProvider = {
    openCustomDocument: (uri) => ({ uri, dispose: () => undefined }),
    resolveCustomEditor: (document, panel) => {
      new ModelView(deps, document.uri, panel);
    },
  };
  deps.context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(MODEL_VIEW_TYPE, provider, {
      supportsMultipleEditorsPerDocument: true,
    }),
  );
}
