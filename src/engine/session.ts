/**
 * ONNX Runtime sessions with provider fallback. MoE Scope tries the configured execution providers
 * in order (default CUDA, then CPU); a provider that cannot start is skipped with a message saying
 * why, and the caller learns which provider actually runs the model.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { MoeScopeError } from '../core/errors';
import { loadOrt } from './ort';

export type ProviderName = 'cuda' | 'webgpu' | 'cpu';

export interface OpenedSession {
  session: InferenceSession;
  provider: ProviderName;
  /** One line per provider that was tried and skipped, for the user and the report. */
  fallbacks: string[];
}

/**
 * ONNX Runtime's worker threads spin after each parallel step, waiting for the next. The engine
 * shares its cores with VS Code, and Compare runs two sessions side by side whose spinning
 * workers take each other's cores. With spinning off, Compare ran 1.01–1.34× faster (median
 * 1.12×) and every workload took 1.2–1.9× less CPU time on two cores; one model's analysis ran
 * from as fast to 21% slower (median 4%) (npm run bench, (f)).
 */
export const NO_SPINNING = {
  session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } },
} as const;

export async function openSession(
  model: Uint8Array,
  providers: readonly ProviderName[],
  options: {
    intraOpThreads?: number;
    externalDataDir?: string;
    /** ONNX Runtime's own default, spinning workers: only the benchmark's baseline asks for it. */
    spinning?: boolean;
  } = {},
): Promise<OpenedSession> {
  const ort = loadOrt();
  const bundled = new Set(
    ort
      .listSupportedBackends()
      .filter((b) => b.bundled)
      .map((b) => b.name),
  );
  const fallbacks: string[] = [];
  const order = providers.includes('cpu') ? providers : [...providers, 'cpu' as const];
  for (const provider of order) {
    if (provider === 'cuda' && !bundled.has('cuda')) {
      fallbacks.push(
        'CUDA provider not installed (install with ONNXRUNTIME_NODE_INSTALL=cuda12; see README); falling back.',
      );
      continue;
    }
    try {
      const session = await createInFolder(options.externalDataDir, () =>
        ort.InferenceSession.create(model, {
          executionProviders: [provider],
          graphOptimizationLevel: 'all',
          // Warnings go to the process's stderr, outside MoE Scope's own messages; errors still surface.
          logSeverityLevel: 3,
          ...(options.spinning ? {} : { extra: NO_SPINNING }),
          ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
        }),
      );
      return { session, provider, fallbacks };
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      if (provider === 'cpu') {
        throw new MoeScopeError(
          'INTERNAL',
          `ONNX Runtime could not load the model: ${reason}`,
          'Check that the model passes onnx.checker.check_model and uses operators ONNX Runtime 1.30 supports.',
        );
      }
      fallbacks.push(`${provider} provider could not start (${reason}); falling back.`);
    }
  }
  throw new MoeScopeError('INTERNAL', 'No execution provider could run the model.');
}

/**
 * ONNX Runtime resolves a byte-loaded model's external data against the working directory (and
 * refuses paths that escape it), so the session is created from inside the model's folder.
 */
async function createInFolder<T>(folder: string | undefined, create: () => Promise<T>): Promise<T> {
  if (!folder) return create();
  const previous = process.cwd();
  process.chdir(folder);
  try {
    return await create();
  } finally {
    process.chdir(previous);
  }
}
