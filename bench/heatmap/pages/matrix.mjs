/* global performance, requestAnimationFrame */
// What both benchmark pages share: the same seeded random matrix and the same stopwatch.

/** rows × cols values in [0, 1) from mulberry32(seed), row-major. */
export function randomMatrix(rows, cols, seed) {
  const values = new Float32Array(rows * cols);
  let a = seed >>> 0;
  for (let i = 0; i < values.length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return values;
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));

/**
 * Milliseconds from calling `draw` to the end of the frame that shows its result: the clock starts
 * at the start of a fresh frame and stops after two more animation frames, so layout, paint and any
 * drawing the library defers to the next frame are inside it.
 */
export async function timeToFrame(draw) {
  await nextFrame();
  const started = performance.now();
  draw();
  await nextFrame();
  await nextFrame();
  return performance.now() - started;
}
