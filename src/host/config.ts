/** Typed access to MoE Scope's settings: one getter per contributed setting. */
import * as vscode from 'vscode';

export type ProviderName = 'cuda' | 'webgpu' | 'cpu';

function resolvePath(value: string): vscode.Uri | undefined {
  if (!value) return undefined;
  if (value.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(value)) return vscode.Uri.file(value);
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, value) : undefined;
}

export class Config {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('moeScope');
  }

  /** The configured checkpoint, resolved against the first workspace folder; undefined if unset. */
  get checkpoint(): vscode.Uri | undefined {
    return resolvePath(this.section.get<string>('checkpoint', '').trim());
  }

  /** The configured tokenizer.json for text models; undefined if unset. */
  get tokenizer(): vscode.Uri | undefined {
    return resolvePath(this.section.get<string>('tokenizer', '').trim());
  }

  get executionProviders(): ProviderName[] {
    const value = this.section.get<string[]>('executionProviders', ['cuda', 'cpu']);
    const known = value.filter((p): p is ProviderName => p === 'cuda' || p === 'webgpu' || p === 'cpu');
    return known.length > 0 ? known : ['cpu'];
  }

  /** Analyse at most this many inputs. */
  get maxInputs(): number {
    return Math.max(1, Math.floor(this.section.get<number>('maxInputs', 2048)));
  }

  /** Keep full per-token detail for this many first inputs. */
  get detailedSamples(): number {
    return Math.max(0, Math.floor(this.section.get<number>('detailedSamples', 16)));
  }

  /** Inputs for the specialization study (0 turns it off). */
  get specializationInputs(): number {
    return Math.max(0, Math.floor(this.section.get<number>('specialization.inputs', 128)));
  }

  /**
   * Hand-written layer descriptions for a checkpoint: the entry of `moeScope.layerOverrides` whose
   * key is the checkpoint's file name or its workspace-relative path, in the sidecar's format.
   */
  layerOverridesFor(model: vscode.Uri): unknown {
    const all = this.section.get<Record<string, unknown>>('layerOverrides', {});
    if (typeof all !== 'object' || all === null) return undefined;
    const name = model.path.split('/').pop() ?? '';
    const relative = vscode.workspace.asRelativePath(model, false);
    return all[relative] ?? all[name];
  }
}
