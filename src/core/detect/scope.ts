/**
 * Layer identity from the exporter's scopes. The TorchScript exporter names nodes after the module
 * path (`/blocks.2/mixer/Softmax_1` → `blocks.2.mixer`); the dynamo exporter also records
 * `pkg.torch.onnx.name_scopes` and a `pkg.torch.onnx.stack_trace` in node metadata.
 */
import type { OnnxNode } from '../onnx/graph';

export function moduleScope(node: OnnxNode): string | undefined {
  const scopes = node.metadata['pkg.torch.onnx.name_scopes'];
  if (scopes) {
    // Recorded as a Python-style list of names, outermost first, e.g. "['', 'blocks.2', 'mlp', 'softmax']".
    const names = [...scopes.matchAll(/'([^']*)'/g)].map((m) => m[1]!).filter(Boolean);
    if (names.length > 1) return names.slice(0, -1).join('.');
  }
  const parts = node.name.split('/').filter(Boolean);
  if (parts.length < 2) return undefined;
  return parts.slice(0, -1).join('.');
}

/** The innermost user source location in a dynamo stack trace, if any. */
export function sourceLocation(node: OnnxNode): { file: string; line: number } | undefined {
  const trace = node.metadata['pkg.torch.onnx.stack_trace'];
  if (!trace) return undefined;
  const frames = [...trace.matchAll(/File "([^"]+)", line (\d+)/g)];
  const user = frames.filter((f) => !/site-packages|dist-packages|torch[\\/]/.test(f[1]!));
  const frame = user[user.length - 1] ?? frames[frames.length - 1];
  return frame ? { file: frame[1]!, line: Number(frame[2]) } : undefined;
}

/** Strips a trailing sub-module that only holds the router (e.g. "blocks.2.mlp.router" → "blocks.2.mlp"). */
export function layerIdFromScope(scope: string | undefined, fallback: string): string {
  if (!scope) return fallback;
  return scope.replace(/\.(router|gate|gating|routing)$/, '');
}
