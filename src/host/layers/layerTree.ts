/**
 * The "MoE Layers" view in the explorer: each analysed checkpoint and the MoE layers its report
 * found. Clicking a layer reveals it in the analysis panel; its context menu goes to its source.
 * Checkpoints that changed since their analysis are marked stale.
 */
import * as vscode from 'vscode';
import { entropyOf, fixed, kindName, oneLine, shapeText } from '../../core/link/layerStats';
import type { Report, ReportLayer } from '../../core/report/types';
import type { ReportStore } from '../reportStore';
import { REVEAL_LAYER, type LayerArgument } from './commandLinks';
import { baseName } from './modelFile';
import type { Staleness } from './staleness';

export const LAYERS_VIEW = 'moeScope.layers';

export type LayerNode =
  { type: 'checkpoint'; modelPath: string } | { type: 'layer'; modelPath: string; layerId: string };

const STALE_NOTE = 'stale: the checkpoint changed since this analysis';

export class LayerTreeProvider implements vscode.TreeDataProvider<LayerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LayerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly reports: ReportStore,
    private readonly staleness: Staleness,
  ) {
    this.subscriptions = [
      reports.onDidChange(() => this.changed.fire(undefined)),
      staleness.onDidChange(() => this.changed.fire(undefined)),
    ];
  }

  getChildren(node?: LayerNode): LayerNode[] {
    if (!node) {
      return this.reports
        .all()
        .sort(
          (a, b) =>
            baseName(a.model.path).localeCompare(baseName(b.model.path)) ||
            a.model.path.localeCompare(b.model.path),
        )
        .map((r) => ({ type: 'checkpoint', modelPath: r.model.path }));
    }
    if (node.type === 'layer') return [];
    const report = this.reports.get(node.modelPath);
    return (report?.layers ?? []).map((l) => ({ type: 'layer', modelPath: node.modelPath, layerId: l.id }));
  }

  getParent(node: LayerNode): LayerNode | undefined {
    return node.type === 'layer' ? { type: 'checkpoint', modelPath: node.modelPath } : undefined;
  }

  getTreeItem(node: LayerNode): vscode.TreeItem {
    const report = this.reports.get(node.modelPath);
    if (!report) return new vscode.TreeItem(baseName(node.modelPath));
    const stale = this.staleness.peek(report) === true;
    if (node.type === 'checkpoint') return checkpointItem(report, stale);
    const layer = report.layers.find((l) => l.id === node.layerId);
    return layer ? layerItem(report, layer, stale) : new vscode.TreeItem(node.layerId);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

function checkpointItem(report: Report, stale: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(baseName(report.model.path), vscode.TreeItemCollapsibleState.Expanded);
  const layers = `${report.layers.length} MoE layer${report.layers.length === 1 ? '' : 's'}`;
  item.description = `${layers} · ${report.samples} samples${stale ? ' · stale' : ''}`;
  item.tooltip = `${report.model.path}\n${layers}, ${report.samples} samples on ${report.provider}, ${report.createdAt}${stale ? `\n${STALE_NOTE}` : ''}`;
  item.iconPath = new vscode.ThemeIcon(stale ? 'warning' : 'circuit-board');
  item.contextValue = stale ? 'moeScope.checkpoint.stale' : 'moeScope.checkpoint';
  item.id = `checkpoint:${report.model.path}`;
  return item;
}

function layerItem(report: Report, layer: ReportLayer, stale: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(layer.id, vscode.TreeItemCollapsibleState.None);
  const entropy = entropyOf(layer.summary);
  item.description =
    `${kindName(layer)} ${shapeText(layer)} · CV ${fixed(layer.summary.balance.cv)} · ` +
    `entropy ${fixed(entropy.value)}${stale ? ' · stale' : ''}`;
  const tooltip = new vscode.MarkdownString(`**${layer.id}** · ${oneLine(layer)}`);
  if (stale) tooltip.appendMarkdown(`\n\n$(warning) ${STALE_NOTE}`);
  tooltip.supportThemeIcons = true;
  item.tooltip = tooltip;
  item.iconPath = new vscode.ThemeIcon(stale ? 'warning' : 'symbol-class');
  item.contextValue = 'moeScope.layer';
  item.id = `layer:${report.model.path}#${layer.id}`;
  const argument: LayerArgument = { modelPath: report.model.path, layer: layer.id };
  item.command = { command: REVEAL_LAYER, title: 'Open in MoE Scope', arguments: [argument] };
  return item;
}
