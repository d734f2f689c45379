/**
 * What both test pages (heatmapPage.ts, reportPage.ts) need around MoE Scope's heatmaps: reading
 * back what was drawn, waiting a frame, and recording policy violations. Stated once, so the two
 * pages read pixels the same way.
 */
import type { HeatmapHandle } from '../../../webview/heatmap';
import type { Rgba } from './heatmapPageApi';

/** The canvas pixel at device pixel (x, y). */
export function readPixel(canvas: HTMLCanvasElement, x: number, y: number): Rgba {
  const data = canvas.getContext('2d')!.getImageData(x, y, 1, 1).data;
  return [data[0]!, data[1]!, data[2]!, data[3]!];
}

/** The display pixel at the centre of a heatmap cell. */
export function cellCentrePixel(heatmap: HeatmapHandle, row: number, col: number): Rgba {
  const box = heatmap.cellBox(row, col);
  const dpr = window.devicePixelRatio;
  return readPixel(
    heatmap.canvas,
    Math.floor((box.x + box.width / 2) * dpr),
    Math.floor((box.y + box.height / 2) * dpr),
  );
}

export const nextFrame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve));

/** Starts recording the page's Content-Security-Policy violations; the list grows as they happen. */
export function recordViolations(): string[] {
  const violations: string[] = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    violations.push(`${event.violatedDirective}: ${event.blockedURI || 'inline'}`);
  });
  return violations;
}
