/**
 * MoE Scope in the model code: hovers over layers, the MoE Layers tree, CodeLens above layer
 * definitions, Go to Source, and stale marking of checkpoints that changed since their analysis.
 * Everything reads the reports in the store; nothing here runs a model.
 */
import * as vscode from 'vscode';
import type { ReportStore } from '../reportStore';
import { asLayerArgument, GO_TO_SOURCE } from './commandLinks';
import { LayerCodeLensProvider } from './codeLens';
import { SourceFinder } from './goToSource';
import { LayerHoverProvider } from './hoverProvider';
import { LayerTreeProvider, LAYERS_VIEW, type LayerNode } from './layerTree';
import { LINKED_SELECTOR, LinkService } from './linkService';
import { Staleness } from './staleness';

/** A pause in typing this long re-parses the document before the next hover asks. */
const WARM_AFTER_EDIT_MS = 200;

/** What the rest of the extension (the panel, tests) uses of the layer features. */
export interface LayerFeatures {
  tree: LayerTreeProvider;
  treeView: vscode.TreeView<LayerNode>;
  links: LinkService;
  staleness: Staleness;
  /** Opens the code that defines the layer; undefined when no code names it. */
  goToLayerSource(modelPath: string, layerId: string): Promise<vscode.Location | undefined>;
  /** Whether the checkpoint changed since its report (undefined: no report for it). */
  isStale(modelPath: string): Promise<boolean | undefined>;
}

export function registerLayerFeatures(
  context: vscode.ExtensionContext,
  { reports }: { reports: ReportStore },
): LayerFeatures {
  const staleness = new Staleness();
  const links = new LinkService(reports, vscode.Uri.joinPath(context.extensionUri, 'dist'));
  const tree = new LayerTreeProvider(reports, staleness);
  const treeView = vscode.window.createTreeView(LAYERS_VIEW, {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  const codeLens = new LayerCodeLensProvider(links, reports, staleness);
  const sources = new SourceFinder(reports, links);
  const goToLayerSource = (modelPath: string, layerId: string) => sources.open(modelPath, layerId);

  // Parse documents as they open and shortly after each edit, so hovers find their links ready.
  const warm = (document: vscode.TextDocument) => {
    if (vscode.languages.match(LINKED_SELECTOR, document) > 0 && reports.all().length > 0) {
      void links.forDocument(document).catch(() => undefined);
    }
  };
  vscode.workspace.textDocuments.forEach(warm);
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  const warmSoon = (document: vscode.TextDocument) => {
    const key = document.uri.toString();
    clearTimeout(pending.get(key));
    pending.set(
      key,
      setTimeout(() => {
        pending.delete(key);
        warm(document);
      }, WARM_AFTER_EDIT_MS),
    );
  };

  const hover = new LayerHoverProvider(links, reports, staleness);
  context.subscriptions.push(
    staleness,
    links,
    tree,
    treeView,
    codeLens,
    vscode.languages.registerHoverProvider(LINKED_SELECTOR, hover),
    // New reports: draw the hovers of the visible documents in the background, before the pointer asks.
    links.onDidChange(() => {
      for (const editor of vscode.window.visibleTextEditors) {
        setTimeout(() => void hover.warm(editor.document).catch(() => undefined), 0);
      }
    }),
    vscode.languages.registerCodeLensProvider(LINKED_SELECTOR, codeLens),
    vscode.workspace.onDidOpenTextDocument(warm),
    vscode.workspace.onDidChangeTextDocument((e) => warmSoon(e.document)),
    { dispose: () => pending.forEach((timer) => clearTimeout(timer)) },
    vscode.commands.registerCommand(GO_TO_SOURCE, async (argument?: unknown) => {
      const layer = asLayerArgument(argument);
      if (!layer) return undefined;
      const location = await goToLayerSource(layer.modelPath, layer.layer);
      return location !== undefined;
    }),
  );
  return {
    tree,
    treeView,
    links,
    staleness,
    goToLayerSource,
    isStale: async (modelPath) => {
      const report = reports.get(modelPath);
      return report ? staleness.check(report) : undefined;
    },
  };
}
