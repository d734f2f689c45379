/* global document, window */
// Benchmark page: the same matrix through Chart.js 4 with chartjs-chart-matrix 3 (the `matrix`
// controller), configured for speed as Chart.js's performance guide advises: animation off, data
// pre-parsed (parsing: false) and normalized, fixed scale limits, no events, legend or tooltip.
// The {x, y, v} data objects are built before the clock starts.
import { Chart, LinearScale } from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import { colormapRgb } from '../../../webview/heatmap/colormaps.ts';
import { randomMatrix, timeToFrame } from './matrix.mjs';

Chart.register(MatrixController, MatrixElement, LinearScale);

const rgb = colormapRgb('viridis');
const colors = Array.from(
  { length: 256 },
  (_, i) => `rgb(${rgb[3 * i]}, ${rgb[3 * i + 1]}, ${rgb[3 * i + 2]})`,
);

let prepared;
let chart;

window.bench = {
  name: 'chartjs-chart-matrix (Chart.js)',
  prepare(rows, cols, seed) {
    const values = randomMatrix(rows, cols, seed);
    const data = new Array(values.length);
    for (let i = 0; i < values.length; i++) data[i] = { x: i % cols, y: Math.floor(i / cols), v: values[i] };
    prepared = { data, rows, cols };
  },
  /** Removes the previous run's chart. */
  clear() {
    chart?.destroy();
    chart = undefined;
    document.getElementById('host').replaceChildren();
  },
  /** One timed chart on a `width` × `height` canvas; returns ms. */
  async run(width, height) {
    const host = document.getElementById('host');
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    host.append(canvas);
    const { data, rows, cols } = prepared;
    const ms = await timeToFrame(() => {
      chart = new Chart(canvas, {
        type: 'matrix',
        data: {
          datasets: [
            {
              data,
              parsing: false,
              normalized: true,
              borderWidth: 0,
              backgroundColor: (context) => colors[Math.min(255, (context.raw.v * 256) | 0)],
              width: ({ chart: c }) => (c.chartArea || {}).width / cols,
              height: ({ chart: c }) => (c.chartArea || {}).height / rows,
            },
          ],
        },
        options: {
          animation: false,
          responsive: false,
          events: [],
          plugins: { legend: { display: false }, tooltip: { enabled: false } },
          scales: {
            x: { type: 'linear', min: -0.5, max: cols - 0.5, offset: false },
            y: { type: 'linear', min: -0.5, max: rows - 0.5, reverse: true, offset: false },
          },
        },
      });
    });
    return { ms, canvas: [canvas.width, canvas.height] };
  },
};
