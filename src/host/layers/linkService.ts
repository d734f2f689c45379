/**
 * Links documents to the layers of the analysed checkpoints, cached so that hovers and CodeLens
 * never parse: each document is parsed once per version (Python with tree-sitter, JSON/YAML with
 * their parsers) and linked once per version and set of reports. Files that are not open (for Go
 * to Source) are read from disk and cached by modification time.
 */
import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { indexJson, indexYaml } from '../../core/link/configIndex';
import type { DocumentLinks } from '../../core/link/documentLinks';
import { linkDocument, type ParsedDocument } from '../../core/link/linkDocument';
import { loadPythonParser, type PythonParser, wasmIn } from '../../core/link/pythonParser';
import type { ReportStore } from '../reportStore';

export type LinkLanguage = 'python' | 'json' | 'yaml';

/** The languages linked, by VS Code language id. */
const LANGUAGES: Record<string, LinkLanguage> = {
  python: 'python',
  json: 'json',
  jsonc: 'json',
  yaml: 'yaml',
};

export const LINKED_SELECTOR: vscode.DocumentSelector = Object.keys(LANGUAGES).map((language) => ({
  language,
}));

export function languageOf(languageId: string, path = ''): LinkLanguage | undefined {
  if (LANGUAGES[languageId]) return LANGUAGES[languageId];
  if (/\.py$/i.test(path)) return 'python';
  if (/\.jsonc?$/i.test(path)) return 'json';
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  return undefined;
}

interface Cached {
  /** Document version, or the file's mtime for files read from disk. */
  stamp: number;
  parsed: ParsedDocument;
  links?: { reports: string; value: DocumentLinks };
}

export class LinkService implements vscode.Disposable {
  private readonly cache = new Map<string, Cached>();
  private parser: Promise<PythonParser> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the links may have changed (new reports). */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly reports: ReportStore,
    private readonly wasmDir: vscode.Uri,
  ) {
    this.subscriptions.push(
      reports.onDidChange(() => this.changed.fire()),
      vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())),
    );
  }

  private pythonParser(): Promise<PythonParser> {
    this.parser ??= loadPythonParser(wasmIn(this.wasmDir.fsPath)).catch((error: unknown) => {
      this.parser = undefined;
      throw error;
    });
    return this.parser;
  }

  private async parse(language: LinkLanguage, text: string): Promise<ParsedDocument> {
    if (language === 'json') return { language: 'config', index: indexJson(text) };
    if (language === 'yaml') return { language: 'config', index: indexYaml(text) };
    const parser = await this.pythonParser();
    return { language: 'python', index: parser.index(text), lines: text.split(/\r?\n/) };
  }

  /**
   * Which reports links were made against. The store also fills itself from disk at start-up
   * without an event, so links are keyed by its contents rather than by its change events.
   */
  private reportsKey(): string {
    return this.reports
      .all()
      .map((r) => `${r.model.path}@${r.createdAt}`)
      .join('|');
  }

  private link(cached: Cached, path: string): DocumentLinks {
    const reports = this.reportsKey();
    if (cached.links?.reports !== reports) {
      cached.links = { reports, value: linkDocument(cached.parsed, path, this.reports.all()) };
    }
    return cached.links.value;
  }

  /** The cached links of this version of the document, if it was parsed already (no waiting). */
  peek(document: vscode.TextDocument): DocumentLinks | undefined {
    const key = document.uri.toString();
    const cached = this.cache.get(key);
    if (!cached || cached.stamp !== document.version) return undefined;
    return this.link(cached, document.uri.fsPath);
  }

  /** The links of an open document, parsing this version once. Undefined for other languages. */
  async forDocument(document: vscode.TextDocument): Promise<DocumentLinks | undefined> {
    const ready = this.peek(document);
    if (ready) return ready;
    const language = languageOf(document.languageId, document.uri.fsPath);
    if (!language) return undefined;
    const key = document.uri.toString();
    const version = document.version;
    const parsed = await this.parse(language, document.getText());
    const cached: Cached = { stamp: version, parsed };
    // A newer version may have been parsed meanwhile; keep the newest.
    const current = this.cache.get(key);
    if (!current || current.stamp <= version) this.cache.set(key, cached);
    return this.link(cached, document.uri.fsPath);
  }

  /** The links of a file on disk (or its open document), for files the user has not opened. */
  async forFile(uri: vscode.Uri): Promise<DocumentLinks | undefined> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return this.forDocument(open);
    const language = languageOf('', uri.fsPath);
    if (!language) return undefined;
    const key = `file:${uri.toString()}`;
    let mtime: number;
    try {
      mtime = (await stat(uri.fsPath)).mtimeMs;
    } catch {
      return undefined;
    }
    let cached = this.cache.get(key);
    if (!cached || cached.stamp !== mtime) {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      cached = { stamp: mtime, parsed: await this.parse(language, text) };
      this.cache.set(key, cached);
    }
    return this.link(cached, uri.fsPath);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
    this.cache.clear();
    void this.parser?.then((p) => p.dispose()).catch(() => undefined);
  }
}
