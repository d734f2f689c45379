/**
 * The latest report of each checkpoint analysed in this workspace. Hovers, the layer tree and the
 * panels read from here and never run a model themselves. Reports are kept in memory and saved in
 * the workspace's extension storage, so they survive a reload.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { reportToJson } from '../core/report/json';
import { reportFromJson } from '../core/report/read';
import type { Report } from '../core/report/types';

/** A stable, file-system-safe name for what is stored under `key` (a checkpoint path, a pair of them). */
export function fileNameFor(key: string): string {
  return `${createHash('sha256').update(key).digest('hex').slice(0, 24)}.json`;
}

export class ReportStore implements vscode.Disposable {
  private readonly reports = new Map<string, Report>();
  private readonly changed = new vscode.EventEmitter<Report>();
  /** Fires after a checkpoint's report was added or replaced. */
  readonly onDidChange = this.changed.event;

  /** `storage` is the workspace's extension storage folder; undefined keeps reports in memory only. */
  constructor(private readonly storage: vscode.Uri | undefined) {}

  private get folder(): vscode.Uri | undefined {
    return this.storage ? vscode.Uri.joinPath(this.storage, 'reports') : undefined;
  }

  private loading: Promise<void> = Promise.resolve();

  /** Reads the reports saved by earlier sessions; unreadable files are skipped, never fatal. */
  load(): Promise<void> {
    this.loading = this.read();
    return this.loading;
  }

  /** Settles once the saved reports are in: a panel restored at start-up waits for them. */
  loaded(): Promise<void> {
    return this.loading;
  }

  private async read(): Promise<void> {
    const folder = this.folder;
    if (!folder) return;
    let names: string[];
    try {
      // Node's fs, not workspace.fs: a missing folder on first use is normal, not worth a logged error.
      names = await fs.readdir(folder.fsPath);
    } catch {
      return; // Nothing saved yet.
    }
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      try {
        const report = reportFromJson(await fs.readFile(join(folder.fsPath, name), 'utf8'));
        if (this.reports.has(report.model.path)) continue;
        this.reports.set(report.model.path, report);
        // Views that started before the saved reports were read (the layer tree) catch up here.
        this.changed.fire(report);
      } catch {
        // A report from an older or broken write: ignore it, the next analysis replaces it.
      }
    }
  }

  get(modelPath: string): Report | undefined {
    return this.reports.get(modelPath);
  }

  all(): Report[] {
    return [...this.reports.values()];
  }

  async put(report: Report): Promise<void> {
    this.reports.set(report.model.path, report);
    this.changed.fire(report);
    const folder = this.folder;
    if (!folder) return;
    try {
      await vscode.workspace.fs.createDirectory(folder);
      const text = reportToJson(report, 0);
      await vscode.workspace.fs.writeFile(
        vscode.Uri.joinPath(folder, fileNameFor(report.model.path)),
        new TextEncoder().encode(text),
      );
    } catch {
      // Saving is a convenience for the next session; the in-memory report is what counts now.
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
