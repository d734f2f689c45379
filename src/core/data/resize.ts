/**
 * Bilinear resizing of one image plane with PyTorch's convention,
 * `F.interpolate(x, size=(outH, outW), mode='bilinear', align_corners=False, antialias=False)`:
 *
 *   source coordinate  s = (d + 0.5) · in / out − 0.5, clamped below at 0;
 *   i0 = ⌊s⌋, i1 = min(i0 + 1, in − 1), λ = s − i0;   value = (1 − λ) · v[i0] + λ · v[i1],
 * applied along rows and columns. Pixel centres are aligned (half-pixel offsets), so a constant
 * image stays constant and a 2× upsample of [a, b] is [a, ¾a + ¼b, ¼a + ¾b, b]. There is no
 * antialiasing: shrinking by a large factor samples rather than averages (as torch by default,
 * unlike PIL's resize). Cost O(outH · outW); weights are accumulated in float64.
 */

interface AxisWeights {
  i0: Int32Array;
  i1: Int32Array;
  lambda: Float64Array;
}

function axisWeights(inSize: number, outSize: number): AxisWeights {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const lambda = new Float64Array(outSize);
  const scale = inSize / outSize;
  for (let d = 0; d < outSize; d++) {
    const s = Math.max(0, (d + 0.5) * scale - 0.5);
    const lo = Math.min(Math.floor(s), inSize - 1);
    i0[d] = lo;
    i1[d] = lo < inSize - 1 ? lo + 1 : lo;
    lambda[d] = s - lo;
  }
  return { i0, i1, lambda };
}

/** Resizes a row-major [inH, inW] plane to [outH, outW]; returns `src` itself if sizes match. */
export function resizeBilinear(
  src: Float32Array,
  inH: number,
  inW: number,
  outH: number,
  outW: number,
): Float32Array {
  if (src.length !== inH * inW) throw new RangeError(`plane has ${src.length} values, not ${inH}×${inW}`);
  if (inH === outH && inW === outW) return src;
  const rows = axisWeights(inH, outH);
  const cols = axisWeights(inW, outW);
  const out = new Float32Array(outH * outW);
  for (let y = 0; y < outH; y++) {
    const r0 = rows.i0[y]! * inW;
    const r1 = rows.i1[y]! * inW;
    const ly = rows.lambda[y]!;
    for (let x = 0; x < outW; x++) {
      const c0 = cols.i0[x]!;
      const c1 = cols.i1[x]!;
      const lx = cols.lambda[x]!;
      const top = (1 - lx) * src[r0 + c0]! + lx * src[r0 + c1]!;
      const bottom = (1 - lx) * src[r1 + c0]! + lx * src[r1 + c1]!;
      out[y * outW + x] = (1 - ly) * top + ly * bottom;
    }
  }
  return out;
}
