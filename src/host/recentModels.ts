/** Checkpoints analysed recently, newest first, kept across sessions for the checkpoint pick. */
import type * as vscode from 'vscode';

const KEY = 'moeScope.recentCheckpoints';
const LIMIT = 8;

export class RecentModels {
  constructor(private readonly memento: vscode.Memento) {}

  /** File system paths, newest first. */
  get paths(): string[] {
    const value = this.memento.get<unknown>(KEY, []);
    return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string') : [];
  }

  async add(path: string): Promise<void> {
    await this.memento.update(KEY, [path, ...this.paths.filter((p) => p !== path)].slice(0, LIMIT));
  }
}
