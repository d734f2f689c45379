/* global document, window */
// Benchmark page: MoE Scope's canvas heatmap (webview/heatmap) on a 4096 × 1024 matrix.
import { renderHeatmap } from '../../../webview/heatmap/index.ts';
import { randomMatrix, timeToFrame } from './matrix.mjs';

let values;
let handle;

window.bench = {
  name: 'MoE Scope canvas heatmap',
  prepare(rows, cols, seed) {
    values = { data: randomMatrix(rows, cols, seed), rows, cols };
  },
  /** Removes the previous run's heatmap. */
  clear() {
    handle?.dispose();
    handle = undefined;
  },
  /** One timed render into a host `width` CSS px wide with a `height` px plot; returns ms. */
  async run(width, height) {
    const host = document.getElementById('host');
    host.style.width = `${width}px`;
    const ms = await timeToFrame(() => {
      handle = renderHeatmap(host, {
        values: values.data,
        rows: values.rows,
        cols: values.cols,
        height,
        colormap: 'viridis',
        scale: 'linear',
      });
    });
    return { ms, canvas: [handle.canvas.width, handle.canvas.height] };
  },
};
