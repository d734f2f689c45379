/**
 * Lazy access to onnxruntime-node. It is required on first use only, inside the engine process, so
 * the extension host never maps its native library and a missing or broken binary becomes a
 * recoverable, explained error instead of a failed activation.
 */
import { MoeScopeError } from '../core/errors';

type Ort = typeof import('onnxruntime-node');

let cached: Ort | undefined;
let loadError: MoeScopeError | undefined;

export function loadOrt(): Ort {
  if (cached) return cached;
  if (loadError) throw loadError;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cached = require('onnxruntime-node') as Ort;
    return cached;
  } catch (error) {
    loadError = new MoeScopeError(
      'ORT_UNAVAILABLE',
      `ONNX Runtime could not be loaded: ${(error as Error).message.split('\n')[0]}`,
      'Reinstall MoE Scope for this platform (linux-x64, darwin-arm64, win32-x64), or run `npm install` in its folder.',
    );
    throw loadError;
  }
}

export interface OrtInfo {
  version: string | null;
  providers: string[];
  error?: string;
}

export function ortInfo(): OrtInfo {
  try {
    const ort = loadOrt();
    const providers = ort
      .listSupportedBackends()
      .filter((backend) => backend.bundled)
      .map((backend) => backend.name);
    return { version: ort.env.versions.node ?? ort.env.versions.common, providers };
  } catch (error) {
    return { version: null, providers: [], error: (error as Error).message };
  }
}
