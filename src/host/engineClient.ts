/**
 * Talks to the engine process: forks it on first use, sends typed requests, relays progress and
 * cancellation, and turns a dead process into an ENGINE_DIED error for every request in flight. The
 * next request after a death forks a fresh engine, so one crash never disables the extension.
 *
 * It imports no `vscode`, so the same client is exercised by plain-Node tests.
 */
import { ChildProcess, fork } from 'node:child_process';
import { ErrorValue } from '../core/errors';
import {
  EngineMethod,
  FromEngine,
  isFromEngine,
  Outcome,
  ParamsOf,
  Progress,
  ResultOf,
  ToEngine,
} from '../protocol/engine';

/** The subset of vscode.CancellationToken the client needs. */
export interface CancellationLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export interface RequestOptions {
  token?: CancellationLike;
  onProgress?: (progress: Progress) => void;
}

interface Pending {
  resolve(outcome: Outcome<unknown>): void;
  onProgress?: (progress: Progress) => void;
}

export interface EngineClientOptions {
  /** Absolute path of the bundled engine script (dist/engine.js). */
  enginePath: string;
  /** Where engine stderr and protocol warnings go. */
  log?: (line: string) => void;
  /** Extra environment for the engine process. */
  env?: NodeJS.ProcessEnv;
}

export class EngineClient {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;
  /** Increments every time a fresh engine process starts. */
  generation = 0;

  constructor(private readonly options: EngineClientOptions) {}

  /** The engine's pid, or undefined when none is running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  request<M extends EngineMethod>(
    method: M,
    params: ParamsOf<M>,
    options: RequestOptions = {},
  ): Promise<Outcome<ResultOf<M>>> {
    if (this.disposed)
      return Promise.resolve(failure({ code: 'ENGINE_DIED', message: 'MoE Scope engine was shut down.' }));
    if (options.token?.isCancellationRequested)
      return Promise.resolve(failure({ code: 'CANCELLED', message: 'Cancelled.' }));
    const child = this.ensureStarted();
    const id = this.nextId++;
    return new Promise<Outcome<ResultOf<M>>>((resolve) => {
      const subscription = options.token?.onCancellationRequested(() =>
        this.post(child, { kind: 'cancel', id }),
      );
      this.pending.set(id, {
        onProgress: options.onProgress,
        resolve: (outcome) => {
          subscription?.dispose();
          resolve(outcome as Outcome<ResultOf<M>>);
        },
      });
      this.post(child, { kind: 'request', id, method, params });
    });
  }

  /** Kills the engine process; pending requests fail with ENGINE_DIED. */
  dispose(): void {
    this.disposed = true;
    this.child?.kill();
  }

  private ensureStarted(): ChildProcess {
    if (
      this.child &&
      this.child.exitCode === null &&
      this.child.signalCode === null &&
      this.child.connected
    ) {
      return this.child;
    }
    const child = fork(this.options.enginePath, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...this.options.env, ELECTRON_RUN_AS_NODE: '1' },
      execArgv: [],
    });
    this.generation++;
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => this.log(`[engine] ${chunk.toString().trimEnd()}`));
    child.stderr?.on('data', (chunk: Buffer) => this.log(`[engine] ${chunk.toString().trimEnd()}`));
    child.on('message', (message) => this.onMessage(message));
    child.on('error', (error) => this.log(`[engine] process error: ${error.message}`));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    return child;
  }

  private post(child: ChildProcess, message: ToEngine): void {
    if (!child.connected) return; // The exit handler fails whatever was pending.
    child.send(message, (error) => {
      if (error) this.log(`[engine] could not send ${message.kind} ${message.id}: ${error.message}`);
    });
  }

  private onMessage(message: unknown): void {
    if (!isFromEngine(message)) {
      this.log('[engine] ignored a malformed message');
      return;
    }
    handleFromEngine(message, this.pending, (line) => this.log(line));
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = undefined;
    if (this.pending.size === 0) return;
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    const error: ErrorValue = {
      code: 'ENGINE_DIED',
      message: `The MoE Scope engine process ${how} while working.`,
      hint: 'Your files are untouched; run the command again to start a fresh engine.',
    };
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.resolve(failure(error));
    }
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

function failure(error: ErrorValue): { ok: false; error: ErrorValue } {
  return { ok: false, error };
}

function handleFromEngine(
  message: FromEngine,
  pending: Map<number, Pending>,
  log: (line: string) => void,
): void {
  switch (message.kind) {
    case 'log':
      log(`[engine] ${message.level}: ${message.message}`);
      return;
    case 'progress':
      pending.get(message.id)?.onProgress?.(message.progress);
      return;
    case 'response': {
      const entry = pending.get(message.id);
      if (!entry) return;
      pending.delete(message.id);
      entry.resolve(message.ok ? { ok: true, value: message.result } : { ok: false, error: message.error });
    }
  }
}
