/**
 * Keeps two analysis runs in step, batch by batch: each run hands over a batch and waits until
 * the other run's batch of the same rows has arrived and the pair has been consumed. So only one
 * batch per model is alive at a time, whatever the number of inputs. When either run fails, the
 * waiting one is released with that error instead of waiting for a partner that never comes.
 */
export class Lockstep<T> {
  private waiting: [Entry<T> | undefined, Entry<T> | undefined] = [undefined, undefined];
  private failure: { error: unknown } | undefined;

  /** `consume` gets each pair of batches (A's, B's); its errors fail both runs. */
  constructor(private readonly consume: (a: T, b: T) => void) {}

  /** The first error either run failed with, if any. */
  get failed(): { error: unknown } | undefined {
    return this.failure;
  }

  /** Side 0 (A) or 1 (B) hands over its next batch; resolves once the pair has been consumed. */
  arrive(side: 0 | 1, batch: T): Promise<void> {
    if (this.failure) return Promise.reject(this.failure.error);
    return new Promise<void>((resolve, reject) => {
      this.waiting[side] = { batch, resolve, reject };
      const [a, b] = this.waiting;
      if (!a || !b) return;
      this.waiting = [undefined, undefined];
      try {
        this.consume(a.batch, b.batch);
      } catch (error) {
        this.fail(error);
        a.reject(error);
        b.reject(error);
        return;
      }
      a.resolve();
      b.resolve();
    });
  }

  /** Records the first failure and releases a run still waiting for its partner. */
  fail(error: unknown): void {
    this.failure ??= { error };
    for (const entry of this.waiting) entry?.reject(this.failure.error);
    this.waiting = [undefined, undefined];
  }
}

interface Entry<T> {
  batch: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}
