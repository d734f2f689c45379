/**
 * Whether a checkpoint changed since its report was made: the SHA-256 of the file against the
 * report's `model.sha256`. Hashing a large checkpoint takes a while, so it runs lazily, off the
 * hot path (streamed, never blocking the extension host), and is cached by the file's mtime and
 * size: a touched but identical file is hashed again and found fresh; an edited one is stale.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { Report } from '../../core/report/types';
import { baseName, resolveModelPath } from './modelFile';

interface Hashed {
  mtimeMs: number;
  size: number;
  /** Resolves to the hex digest; undefined when the file could not be read. */
  sha256: Promise<string | undefined>;
  done?: string | undefined;
  settled: boolean;
}

function hashFile(path: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', () => resolve(undefined));
  });
}

function statOf(path: string): { mtimeMs: number; size: number } | undefined {
  try {
    const stat = statSync(path);
    return { mtimeMs: stat.mtimeMs, size: stat.size };
  } catch {
    return undefined;
  }
}

export class Staleness implements vscode.Disposable {
  private readonly hashes = new Map<string, Hashed>();
  private readonly verdicts = new Map<string, boolean>();
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with a model path when its verdict changes (or is first known). */
  readonly onDidChange = this.changed.event;

  /** The cached hash entry for the file as it is now, starting a hash if none matches. */
  private entry(path: string): Hashed | undefined {
    const stat = statOf(path);
    if (!stat) return undefined;
    const known = this.hashes.get(path);
    if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) return known;
    const entry: Hashed = { ...stat, sha256: hashFile(path), settled: false };
    void entry.sha256.then((digest) => {
      entry.done = digest;
      entry.settled = true;
    });
    this.hashes.set(path, entry);
    return entry;
  }

  private record(report: Report, stale: boolean): boolean {
    const key = report.model.path;
    if (this.verdicts.get(key) !== stale) {
      this.verdicts.set(key, stale);
      this.changed.fire(key);
    }
    return stale;
  }

  /**
   * The verdict if it is known without waiting: true when the checkpoint differs from the one
   * analysed (or is gone), false when identical, undefined while it is being hashed.
   */
  peek(report: Report): boolean | undefined {
    const path = resolveModelPath(report.model.path);
    this.watch(report.model.path, path);
    const entry = this.entry(path);
    if (!entry) return this.record(report, true);
    if (!entry.settled) {
      void this.check(report);
      return undefined;
    }
    return this.record(report, entry.done !== report.model.sha256);
  }

  /** Hashes the checkpoint if needed and resolves the verdict. */
  async check(report: Report): Promise<boolean> {
    const path = resolveModelPath(report.model.path);
    this.watch(report.model.path, path);
    const entry = this.entry(path);
    if (!entry) return this.record(report, true);
    const digest = await entry.sha256;
    return this.record(report, digest !== report.model.sha256);
  }

  /** Re-checks a checkpoint when its file changes on disk, so the tree and CodeLens follow. */
  private watch(modelPath: string, path: string): void {
    if (this.watchers.has(modelPath)) return;
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(dirname(path)), baseName(path)),
    );
    const recheck = () => {
      this.hashes.delete(path);
      this.changed.fire(modelPath); // Listeners peek again, which hashes the new file.
    };
    watcher.onDidChange(recheck);
    watcher.onDidCreate(recheck);
    watcher.onDidDelete(recheck);
    this.watchers.set(modelPath, watcher);
  }

  dispose(): void {
    for (const watcher of this.watchers.values()) watcher.dispose();
    this.watchers.clear();
    this.changed.dispose();
  }
}
