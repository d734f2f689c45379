/**
 * The colour range MoE Scope's heatmap measures, computed independently in Node: every browser suite
 * that checks a pixel against `colorFor(value, min, max)` needs the same [min, max] the renderer
 * used, stated once here rather than in each suite.
 */

/** [min, max] of the finite values (on a log scale, of the positive ones); NaN and ±∞ are skipped. */
export function extent(values: ArrayLike<number>, log = false): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

/**
 * `extent` of the values rounded to float32 first: the renderer holds its values in a Float32Array,
 * so numbers given as doubles (a report's loads, a test's own matrices) are measured as float32.
 */
export function float32Extent(values: ArrayLike<number>, log = false): [number, number] {
  return extent(Float32Array.from(values), log);
}
