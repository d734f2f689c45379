/**
 * A one-line summary above each line that defines MoE layers (the attribute assignment, or the
 * exporter's recorded line): kind, shape, balance and entropy, for every checkpoint analysed.
 * Setting `moeScope.codeLens.enabled` turns it off.
 */
import * as vscode from 'vscode';
import { hoverEntries } from '../../core/link/hoverEntries';
import { entropyOf, fixed, kindName, shapeText } from '../../core/link/layerStats';
import type { ReportLayer } from '../../core/report/types';
import type { ReportStore } from '../reportStore';
import { REVEAL_LAYER, type LayerArgument } from './commandLinks';
import type { LinkService } from './linkService';
import { baseName } from './modelFile';
import type { Staleness } from './staleness';

export const CODE_LENS_SETTING = 'moeScope.codeLens.enabled';

/** `0.018` or `0.018–0.019`: the range of a statistic over the layers of one line. */
function range(values: number[]): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return fixed(lo) === fixed(hi) ? fixed(lo) : `${fixed(lo)}–${fixed(hi)}`;
}

/** One line for the layers a definition creates: `blocks.2.mlp, blocks.3.mlp · Soft MoE 8 experts × 2 slots · CV …`. */
export function lensTitle(layers: readonly ReportLayer[], stale: boolean, checkpoint?: string): string {
  const first = layers[0]!;
  const names =
    layers.length <= 3 ? layers.map((l) => l.id).join(', ') : `${layers.length} layers (${first.id}, …)`;
  const sameShape = layers.every((l) => kindName(l) === kindName(first) && shapeText(l) === shapeText(first));
  const parts = [
    `${stale ? '$(warning) stale · ' : ''}MoE Scope${checkpoint ? ` (${checkpoint})` : ''}: ${names}`,
    sameShape ? `${kindName(first)} ${shapeText(first)}` : 'mixed kinds',
    `CV ${range(layers.map((l) => l.summary.balance.cv))}`,
    `Switch ${range(layers.map((l) => l.summary.balance.switchAux))}`,
    `entropy ${range(layers.map((l) => entropyOf(l.summary).value))}`,
  ];
  return parts.join(' · ');
}

export class LayerCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly links: LinkService,
    private readonly reports: ReportStore,
    private readonly staleness: Staleness,
  ) {
    const refresh = () => this.changed.fire();
    this.subscriptions = [
      links.onDidChange(refresh),
      staleness.onDidChange(refresh),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(CODE_LENS_SETTING)) refresh();
      }),
    ];
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!vscode.workspace.getConfiguration().get<boolean>(CODE_LENS_SETTING, true)) return [];
    if (this.reports.all().length === 0) return [];
    const links = await this.links.forDocument(document);
    if (!links) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const { anchor, layers } of links.definitions()) {
      const defined = layers.filter((l) => l.kind === 'attribute' || l.kind === 'source');
      const entries = hoverEntries(defined, (path) => this.reports.get(path), document.uri.fsPath);
      const range = new vscode.Range(anchor.line, anchor.start, anchor.line, anchor.end);
      for (const entry of entries) {
        const first = entry.layers[0];
        if (!first) continue;
        const argument: LayerArgument = { modelPath: entry.report.model.path, layer: first.id };
        const checkpoint = entries.length > 1 ? baseName(entry.report.model.path) : undefined;
        lenses.push(
          new vscode.CodeLens(range, {
            title: lensTitle(entry.layers, this.staleness.peek(entry.report) === true, checkpoint),
            tooltip: `Open ${first.id} in MoE Scope`,
            command: REVEAL_LAYER,
            arguments: [argument],
          }),
        );
      }
    }
    return lenses;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
