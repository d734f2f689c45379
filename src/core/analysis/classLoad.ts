/**
 * Expert load per class label: the same routed mass as a layer's expertLoad, kept apart for
 * every label seen. Memory O(classes·n).
 */
import type { ClassLoadSummary } from './types';
import { shares } from './statistics';

export class ClassLoadTally {
  private readonly mass = new Map<number, Float64Array>();

  constructor(private readonly experts: number) {}

  /** The mass vector of `label`, created on first use. */
  massOf(label: number): Float64Array {
    let m = this.mass.get(label);
    if (!m) {
      m = new Float64Array(this.experts);
      this.mass.set(label, m);
    }
    return m;
  }

  /**
   * Per class, mass_c,i / Σ_j mass_c,j, classes ascending. Classes whose samples routed no mass
   * (every token skipped as non-finite) are left out, so every listed row sums to 1; undefined
   * when no class is left. O(classes·n). Parity: for each class c, `mass[c] / mass[c].sum()`.
   */
  summary(): ClassLoadSummary | undefined {
    const classes = [...this.mass.keys()]
      .filter((c) => this.mass.get(c)!.some((v) => v > 0))
      .sort((a, b) => a - b);
    if (classes.length === 0) return undefined;
    return { classes, load: classes.map((c) => shares(this.mass.get(c)!)) };
  }
}
