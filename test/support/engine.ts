/**
 * What the engine suites need to talk to the real engine process (dist/engine.js) the way the
 * extension host does: a client, and a cancellation token they can trip mid-request.
 */
import { join } from 'node:path';
import { type CancellationLike, EngineClient } from '../../src/host/engineClient';
import { REPO_ROOT } from './fixtures';

/** A client of a fresh engine process built from this repository, its log lines sent to `log`. */
export function startEngine(log: (line: string) => void = () => undefined): EngineClient {
  return new EngineClient({ enginePath: join(REPO_ROOT, 'dist', 'engine.js'), log });
}

/** A cancellation token, as VS Code hands one to a command, that the test cancels itself. */
export function cancellation(): CancellationLike & { cancel(): void } {
  const listeners: (() => void)[] = [];
  let cancelled = false;
  return {
    get isCancellationRequested() {
      return cancelled;
    },
    onCancellationRequested(listener: () => void) {
      listeners.push(listener);
      return { dispose: () => listeners.splice(listeners.indexOf(listener), 1) };
    },
    cancel() {
      cancelled = true;
      for (const listener of [...listeners]) listener();
    },
  };
}
