/**
 * MoE Scope's entry point: build the services, register each feature, and report activation
 * failures ourselves (VS Code does not tell the user when an extension fails to activate).
 */
import * as vscode from 'vscode';
import { ANALYSIS_VIEW_TYPE, AnalysisPanels } from './host/analysisPanel';
import { createRunner, registerCommands } from './host/commands';
import { registerCompare } from './host/compare/register';
import { Config } from './host/config';
import { createEngineService, EngineService } from './host/engine';
import { registerModelView } from './host/modelView';
import type { Report } from './core/report/types';
import type { ComparePanels } from './host/compare/comparePanel';
import { type LayerFeatures, registerLayerFeatures } from './host/layers/register';
import { RecentModels } from './host/recentModels';
import { ReportStore } from './host/reportStore';
import { ProviderStatus } from './host/statusBar';
import { TokenDecorations } from './host/tokenDecorations';

/** What the extension exports: used by its own test suites and by other extensions. */
export interface MoeScopeApi {
  engine: EngineService;
  panels: AnalysisPanels;
  /** The latest report of each analysed checkpoint. */
  reports: ReportStore;
  status: ProviderStatus;
  /** Editor decorations of analysed text. */
  decorations: TokenDecorations;
  /** Recently analysed checkpoints, offered first when MoE Scope asks for one. */
  recent: RecentModels;
  /** Hovers, CodeLens and the MoE Layers tree over the model code; Go to Source. */
  layers: LayerFeatures;
  /** Open compare panels (and their restore from the stored comparisons). */
  compare: ComparePanels;
}

export function activate(context: vscode.ExtensionContext): MoeScopeApi | undefined {
  try {
    const config = new Config();
    const engine = createEngineService(context);
    const status = new ProviderStatus();
    const reports = new ReportStore(context.storageUri);
    void reports.load();
    const decorations = new TokenDecorations();
    const panels = new AnalysisPanels(context.extensionUri, reports, decorations);
    const recent = new RecentModels(context.globalState);
    const layers = registerLayerFeatures(context, { reports });
    const deps = {
      context,
      config,
      engine,
      panels,
      status,
      reports,
      recent,
      isStale: layers.isStale,
      reportStale: (report: Report) => layers.staleness.check(report),
    };
    panels.runner = createRunner(deps);
    context.subscriptions.push(
      reports,
      status,
      decorations,
      panels,
      vscode.window.registerWebviewPanelSerializer(ANALYSIS_VIEW_TYPE, panels),
    );
    registerCommands(deps);
    const compare = registerCompare(deps);
    registerModelView(deps);
    return { engine, panels, reports, status, decorations, layers, recent, compare };
  } catch (error) {
    void vscode.window.showErrorMessage(`MoE Scope failed to start: ${(error as Error).message}`);
    return undefined;
  }
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}
