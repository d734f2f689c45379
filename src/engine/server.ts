/**
 * Dispatches protocol messages to handlers over any transport (the IPC channel in the engine
 * process; a direct function call in tests). Each request gets its own AbortController; a
 * `cancel` message aborts it. Errors always come back as values.
 */
import { MoeScopeError, toErrorValue } from '../core/errors';
import { FromEngine, isToEngine, Progress, ToEngine } from '../protocol/engine';
import { handlers, RequestContext } from './handlers';

export class EngineServer {
  private readonly inFlight = new Map<number, AbortController>();

  constructor(private readonly send: (message: FromEngine) => void) {}

  receive(message: unknown): void {
    if (!isToEngine(message)) {
      this.send({ kind: 'log', level: 'warn', message: 'engine: ignored a malformed message' });
      return;
    }
    if (message.kind === 'cancel') {
      this.inFlight.get(message.id)?.abort();
      return;
    }
    void this.handle(message);
  }

  private async handle(request: Extract<ToEngine, { kind: 'request' }>): Promise<void> {
    const controller = new AbortController();
    this.inFlight.set(request.id, controller);
    try {
      // Parameters arrive untyped from another process; each handler validates its own.
      const handler = handlers[request.method] as (
        params: unknown,
        context: RequestContext,
      ) => Promise<unknown>;
      const result = await handler(request.params, {
        signal: controller.signal,
        progress: (progress: Progress) => this.send({ kind: 'progress', id: request.id, progress }),
      });
      if (controller.signal.aborted) throw new MoeScopeError('CANCELLED', 'Cancelled.');
      this.send({ kind: 'response', id: request.id, ok: true, result });
    } catch (error) {
      const value = toErrorValue(error);
      this.send({ kind: 'response', id: request.id, ok: false, error: value });
    } finally {
      this.inFlight.delete(request.id);
    }
  }
}
