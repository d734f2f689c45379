/**
 * Hover over a layer in model code (Python attributes and classes, JSON/YAML config keys, layer
 * ids and ONNX node names in strings): the numbers of every layer it names, from the reports
 * already in the store. It never runs a model, and after the first parse of a document version
 * it only looks up cached links.
 */
import * as vscode from 'vscode';
import { hoverMarkdown, type HoverEntry } from '../../core/link/hoverMarkdown';
import type { DocumentLinks } from '../../core/link/documentLinks';
import { hoverEntries } from '../../core/link/hoverEntries';
import type { Anchor } from '../../core/link/types';
import type { ReportStore } from '../reportStore';
import { HOVER_COMMANDS, hoverCommands } from './commandLinks';
import type { LinkService } from './linkService';
import type { Staleness } from './staleness';

/** How long a hover waits for a checkpoint's hash before it shows the numbers without a verdict. */
const STALE_WAIT_MS = 25;

async function staleWithin(
  staleness: Staleness,
  entry: HoverEntry,
  ms: number,
): Promise<boolean | undefined> {
  const known = staleness.peek(entry.report);
  if (known !== undefined) return known;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([staleness.check(entry.report), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class LayerHoverProvider implements vscode.HoverProvider {
  /** Rendered Markdown per link set (a document version and set of reports) and anchor. */
  private readonly rendered = new WeakMap<DocumentLinks, Map<string, string>>();

  constructor(
    private readonly links: LinkService,
    private readonly reports: ReportStore,
    private readonly staleness: Staleness,
  ) {}

  private render(links: DocumentLinks, anchor: Anchor, entries: HoverEntry[]): string {
    let cache = this.rendered.get(links);
    if (!cache) this.rendered.set(links, (cache = new Map()));
    const key = `${anchor.line}:${anchor.start}:${entries.map((e) => `${e.report.model.path}=${e.stale}`).join('|')}`;
    let markdown = cache.get(key);
    if (markdown === undefined) cache.set(key, (markdown = hoverMarkdown(entries, hoverCommands)));
    return markdown;
  }

  /**
   * Renders every hover of a document ahead of the pointer, so a hover right after a new report
   * arrives does not draw its figures then (the figures are cached per report).
   */
  async warm(document: vscode.TextDocument): Promise<void> {
    const links = await this.links.forDocument(document);
    if (!links) return;
    for (const hit of links.anchors) {
      const entries = hoverEntries(hit.layers, (path) => this.reports.get(path), document.uri.fsPath);
      if (entries.length > 0) hoverMarkdown(entries, hoverCommands);
    }
  }

  async provideHover(
    document: vscode.TextDocument,
    position: vscode.Position,
  ): Promise<vscode.Hover | undefined> {
    if (this.reports.all().length === 0) return undefined;
    const links = await this.links.forDocument(document);
    const hit = links?.at(position.line, position.character);
    if (!links || !hit) return undefined;
    const entries = hoverEntries(hit.layers, (path) => this.reports.get(path), document.uri.fsPath);
    if (entries.length === 0) return undefined;
    await Promise.all(
      entries.map(async (entry) => {
        entry.stale = await staleWithin(this.staleness, entry, STALE_WAIT_MS);
      }),
    );
    const markdown = new vscode.MarkdownString(this.render(links, hit.anchor, entries), true);
    markdown.isTrusted = { enabledCommands: HOVER_COMMANDS };
    const { line, start, end } = hit.anchor;
    return new vscode.Hover(markdown, new vscode.Range(line, start, line, end));
  }
}
