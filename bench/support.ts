/** Small helpers shared by the benchmarks: timing, medians and aligned printing. */

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function timeMs(run: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

export function line(label: string, value: string, target?: string): void {
  console.log(`${label.padEnd(46)} ${value.padStart(14)}${target ? `   (target ${target})` : ''}`);
}
