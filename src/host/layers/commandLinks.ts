/** The commands layer features link to, and their arguments as hover Markdown command URIs. */
import * as vscode from 'vscode';
import type { HoverCommands } from '../../core/link/hoverMarkdown';
import { resolveModelPath } from './modelFile';

export const REVEAL_LAYER = 'moeScope.revealLayer';
export const ANALYZE_EXPERTS = 'moeScope.analyzeExperts';
export const GO_TO_SOURCE = 'moeScope.goToSource';

/** What `moeScope.revealLayer` and `moeScope.goToSource` take. */
export interface LayerArgument {
  modelPath: string;
  layer: string;
}

function commandUri(command: string, args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

export const hoverCommands: HoverCommands = {
  reveal: (modelPath, layer) => commandUri(REVEAL_LAYER, [{ modelPath, layer } satisfies LayerArgument]),
  // A Uri serialises with a marker VS Code revives, so the command receives a vscode.Uri.
  analyze: (modelPath) => commandUri(ANALYZE_EXPERTS, [vscode.Uri.file(resolveModelPath(modelPath))]),
};

/** Commands a hover may run: nothing else, whatever the Markdown says. */
export const HOVER_COMMANDS = [REVEAL_LAYER, ANALYZE_EXPERTS];

/** Reads `{ modelPath, layer }` (or a layer tree node, which has the same fields). */
export function asLayerArgument(value: unknown): LayerArgument | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { modelPath, layer, layerId } = value as Record<string, unknown>;
  const id = typeof layer === 'string' ? layer : layerId;
  return typeof modelPath === 'string' && typeof id === 'string' ? { modelPath, layer: id } : undefined;
}
