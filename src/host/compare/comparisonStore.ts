/**
 * The latest comparison of each pair of checkpoints, saved in the workspace's extension storage so
 * that a compare panel restored after a reload shows it again without running either model. Read
 * lazily, per pair, when a panel asks.
 */
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { comparisonToJson } from '../../core/compare/json';
import { reviveComparison } from '../../core/compare/read';
import type { CompareResult } from '../../core/compare/types';
import { isCompareInputs, type CompareInputs } from '../../protocol/compareWebview';
import { fileNameFor } from '../reportStore';
import type { CheckpointPair } from './chooseCheckpoints';

export interface StoredComparison {
  inputs: CompareInputs;
  result: CompareResult;
}

function keyOf(pair: CheckpointPair): string {
  return `${pair.a.fsPath}\n${pair.b.fsPath}`;
}

export class ComparisonStore {
  private readonly known = new Map<string, StoredComparison>();

  /** `storage` is the workspace's extension storage folder; undefined keeps comparisons in memory only. */
  constructor(private readonly storage: vscode.Uri | undefined) {}

  private fileFor(pair: CheckpointPair): vscode.Uri | undefined {
    return this.storage && vscode.Uri.joinPath(this.storage, 'comparisons', fileNameFor(keyOf(pair)));
  }

  async put(pair: CheckpointPair, stored: StoredComparison): Promise<void> {
    this.known.set(keyOf(pair), stored);
    const file = this.fileFor(pair);
    if (!file) return;
    try {
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(file, '..'));
      const text = `{"inputs":${JSON.stringify(stored.inputs)},"comparison":${comparisonToJson(stored.result, 0)}}`;
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(text));
    } catch {
      // Saving is a convenience for the next session; the open panel has the comparison now.
    }
  }

  /** The pair's latest comparison, from memory or from an earlier session's file; undefined if none reads back. */
  async get(pair: CheckpointPair): Promise<StoredComparison | undefined> {
    const known = this.known.get(keyOf(pair));
    if (known) return known;
    const file = this.fileFor(pair);
    if (!file) return undefined;
    try {
      // Node's fs: a missing file is the normal case, not an error worth logging.
      const parsed = JSON.parse(await fs.readFile(file.fsPath, 'utf8')) as {
        inputs?: unknown;
        comparison?: unknown;
      };
      if (!isCompareInputs(parsed.inputs)) return undefined;
      const stored = { inputs: parsed.inputs, result: reviveComparison(parsed.comparison) };
      this.known.set(keyOf(pair), stored);
      return stored;
    } catch {
      return undefined;
    }
  }
}
