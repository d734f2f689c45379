/**
 * MoE Scope's entry point: build the services, register each feature, and report activation
 * failures ourselves (VS Code does not tell the user when an extension fails to activate).
 */
import * as vscode from 'vscode';
import { ANALYSIS_VIEW_TYPE, AnalysisPanels } from './host/analysisPanel';
import { createAnalyze, registerCommands } from './host/commands';
import { Config } from './host/config';
import { createEngineService, EngineService } from './host/engine';
import { ReportStore } from './host/reportStore';
import { ProviderStatus } from './host/statusBar';

/** What the extension exports: used by its own test suites and by other extensions. */
export interface MoeScopeApi {
  engine: EngineService;
  panels: AnalysisPanels;
  /** The latest report of each analysed checkpoint. */
  reports: ReportStore;
}

export function activate(context: vscode.ExtensionContext): MoeScopeApi | undefined {
  try {
    const config = new Config();
    const engine = createEngineService(context);
    const status = new ProviderStatus();
    const reports = new ReportStore(context.storageUri);
    void reports.load();
    const analyze = createAnalyze({ context, config, engine, status });
    const panels = new AnalysisPanels(context.extensionUri, analyze);
    context.subscriptions.push(
      reports,
      status,
      panels,
      vscode.window.registerWebviewPanelSerializer(ANALYSIS_VIEW_TYPE, panels),
    );
    registerCommands({ context, config, engine, panels, status });
    return { engine, panels, reports };
  } catch (error) {
    void vscode.window.showErrorMessage(`MoE Scope failed to start: ${(error as Error).message}`);
    return undefined;
  }
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}
