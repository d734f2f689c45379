/**
 * Colours analysed text in the editor by each token's top expert for the panel's selected layer
 * (Mixtral-style), with a hover per token listing its experts and their router weights.
 */
import * as vscode from 'vscode';
import { locateTokens, tokenExperts } from '../core/report/tokenRouting';
import type { Report } from '../core/report/types';
import type { TextSource } from './inputChoice';

/** A categorical palette readable on light and dark themes (translucent backgrounds). */
const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#637939',
  '#8c6d31',
  '#843c39',
  '#7b4173',
  '#3182bd',
];

export interface AppliedToken {
  range: vscode.Range;
  text: string;
  expert: number;
}

export class TokenDecorations implements vscode.Disposable {
  private readonly types = PALETTE.map((color) =>
    vscode.window.createTextEditorDecorationType({
      backgroundColor: `${color}55`,
      borderRadius: '2px',
      overviewRulerColor: color,
      overviewRulerLane: vscode.OverviewRulerLane.Center,
    }),
  );
  /** What was last applied, per document: the vscode tier checks it against the report. */
  readonly applied = new Map<string, { layer: string; tokens: AppliedToken[] }>();

  /** Decorates every analysed sample of `source` for `layer` in the visible editors showing it. */
  show(source: TextSource, report: Report, layer: string): void {
    const editors = vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === source.uri);
    const tokens: AppliedToken[] = [];
    const byColor: vscode.DecorationOptions[][] = this.types.map(() => []);
    const document = editors[0]?.document;
    if (!document) return;
    for (const sample of report.perSample ?? []) {
      const span = source.samples[sample.index];
      const detail = sample.layers[layer];
      if (!span || !detail || !sample.tokens) continue;
      const text = document.getText().slice(span.start, span.end);
      for (const located of locateTokens(sample.tokens, text)) {
        const { experts } = tokenExperts(detail, located.token);
        const top = experts[0];
        if (!top || !Number.isFinite(top.weight)) continue;
        const range = new vscode.Range(
          document.positionAt(span.start + located.start),
          document.positionAt(span.start + located.end),
        );
        const hover = new vscode.MarkdownString(
          `**MoE Scope** · ${layer} · token \`${sample.tokens[located.token]}\`\n\n` +
            experts.map((e) => `- expert ${e.expert}: ${e.weight.toFixed(3)}`).join('\n'),
        );
        byColor[top.expert % PALETTE.length]!.push({ range, hoverMessage: hover });
        tokens.push({ range, text: located.text, expert: top.expert });
      }
    }
    for (const editor of editors) this.types.forEach((type, i) => editor.setDecorations(type, byColor[i]!));
    this.applied.set(source.uri, { layer, tokens });
  }

  clear(uri: string): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() === uri)
        for (const type of this.types) editor.setDecorations(type, []);
    }
    this.applied.delete(uri);
  }

  dispose(): void {
    for (const type of this.types) type.dispose();
  }
}
