/**
 * Go to Source: the line of code that defines a layer. The exporter's own file:line wins when the
 * checkpoint recorded one and the file is here; otherwise the most direct link among the open
 * documents and the workspace's Python files (then JSON/YAML configs): the attribute assignment
 * that creates the layer, before strings, classes and containers.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { compareRefs } from '../../core/link/documentLinks';
import { sourceFileMatch } from '../../core/link/layerPath';
import type { LayerRef } from '../../core/link/types';
import type { ReportStore } from '../reportStore';
import type { LinkService } from './linkService';
import { baseName, resolveModelPath } from './modelFile';

const EXCLUDE = '**/{node_modules,.git,.venv,venv,site-packages,__pycache__,.cache}/**';
const MAX_FILES = 2000;

/** Where the exporter's recorded file is on this machine, if anywhere. */
async function exporterFile(file: string, modelPath: string): Promise<vscode.Uri | undefined> {
  if (isAbsolute(file) && existsSync(file)) return vscode.Uri.file(file);
  const roots = [
    dirname(resolveModelPath(modelPath)),
    ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
  ];
  for (const root of roots) {
    if (!isAbsolute(file) && existsSync(join(root, file))) return vscode.Uri.file(join(root, file));
  }
  // Exported on another machine: the workspace file sharing the longest path tail, then the
  // one nearest the checkpoint.
  const modelDir = dirname(resolveModelPath(modelPath));
  const found = await vscode.workspace.findFiles(`**/${baseName(file)}`, EXCLUDE, 50);
  return found
    .map((uri) => ({ uri, match: sourceFileMatch(uri.fsPath, file), near: closeness(uri, modelDir) }))
    .sort((a, b) => b.match - a.match || b.near - a.near)[0]?.uri;
}

/** Files closer to the checkpoint come first among equally good links. */
function closeness(uri: vscode.Uri, modelDir: string): number {
  let n = 0;
  const path = uri.fsPath;
  while (n < path.length && n < modelDir.length && path[n] === modelDir[n]) n++;
  return n;
}

/** The column of code beside a panel: where the file is shown already, else the first text editor's. */
function codeColumn(uri: vscode.Uri): vscode.ViewColumn {
  const editors = vscode.window.visibleTextEditors;
  const showing = editors.find((e) => e.document.uri.toString() === uri.toString());
  return showing?.viewColumn ?? editors[0]?.viewColumn ?? vscode.ViewColumn.One;
}

export class SourceFinder {
  constructor(
    private readonly reports: ReportStore,
    private readonly links: LinkService,
  ) {}

  /** The location that defines the layer, or undefined when no code names it. */
  async find(modelPath: string, layerId: string): Promise<vscode.Location | undefined> {
    const layer = this.reports.get(modelPath)?.layers.find((l) => l.id === layerId);
    if (layer?.source) {
      const uri = await exporterFile(layer.source.file, modelPath);
      if (uri) return new vscode.Location(uri, new vscode.Position(Math.max(0, layer.source.line - 1), 0));
    }
    const modelDir = dirname(resolveModelPath(modelPath));
    const open = vscode.workspace.textDocuments.filter((d) => !d.isClosed).map((d) => d.uri);
    for (const pattern of ['**/*.py', '**/*.{json,jsonc,yaml,yml}']) {
      const files = await vscode.workspace.findFiles(pattern, EXCLUDE, MAX_FILES);
      const candidates = [...new Map([...open, ...files].map((u) => [u.toString(), u])).values()];
      let best: { uri: vscode.Uri; ref: LayerRef; range: vscode.Range } | undefined;
      for (const uri of candidates) {
        const links = await this.links.forFile(uri);
        const hit = links?.bestFor(modelPath, layerId);
        if (!hit) continue;
        const order = best
          ? compareRefs(hit.ref, best.ref) || closeness(best.uri, modelDir) - closeness(uri, modelDir)
          : -1;
        if (order < 0) {
          const { line, start, end } = hit.anchor;
          best = { uri, ref: hit.ref, range: new vscode.Range(line, start, line, end) };
        }
      }
      if (best) return new vscode.Location(best.uri, best.range);
    }
    return undefined;
  }

  /** Opens the defining line; tells the user when no code names the layer. */
  async open(modelPath: string, layerId: string): Promise<vscode.Location | undefined> {
    const location = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `MoE Scope: finding ${layerId}` },
      () => this.find(modelPath, layerId),
    );
    if (!location) {
      void vscode.window.showInformationMessage(
        `MoE Scope found no code that defines ${layerId} of ${baseName(modelPath)} in this workspace ` +
          '(it looks for the module attribute of the layer id in Python files, and for the id in JSON/YAML configs).',
      );
      return undefined;
    }
    await vscode.window.showTextDocument(location.uri, {
      selection: location.range,
      preview: false,
      viewColumn: codeColumn(location.uri),
    });
    return location;
  }
}
