/** Typed access to MoE Scope's settings: one getter per contributed setting. */
import * as vscode from 'vscode';

export type ProviderName = 'cuda' | 'webgpu' | 'cpu';

export class Config {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('moeScope');
  }

  /** The configured checkpoint, resolved against the first workspace folder; undefined if unset. */
  get checkpoint(): vscode.Uri | undefined {
    const value = this.section.get<string>('checkpoint', '').trim();
    if (!value) return undefined;
    if (value.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(value)) return vscode.Uri.file(value);
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder ? vscode.Uri.joinPath(folder.uri, value) : undefined;
  }

  get executionProviders(): ProviderName[] {
    const value = this.section.get<string[]>('executionProviders', ['cuda', 'cpu']);
    const known = value.filter((p): p is ProviderName => p === 'cuda' || p === 'webgpu' || p === 'cpu');
    return known.length > 0 ? known : ['cpu'];
  }
}
