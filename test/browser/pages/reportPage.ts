/**
 * The report views' test page: MoE Scope's report views in a page styled with VS Code's theme
 * variables (media/standalone.css) and served under the webview's script and style policy, with the
 * page itself as the host. It exposes `window.reportPage` (see reportPageApi.ts) so the browser test
 * can drive the views and read back pixels, charts and what the views sent the host.
 */
import { Chart } from 'chart.js';
import { reportFromJson } from '../../../src/core/report/read';
import { figureHeatmap, renderReport, type ReportHandle } from '../../../webview/report';
import type { HeatmapHandle } from '../../../webview/heatmap';
import { cellCentrePixel, nextFrame, readPixel, recordViolations } from './pixels';
import type { ChartSummary, RecordedExport, ReportPageApi } from './reportPageApi';

const violations = recordViolations();
const errors: string[] = [];
window.addEventListener('error', (event) => {
  // Chromium reports a resize observer that changed layout within its frame as an error event; the
  // observers redraw on the next frame, so it is a notice, not a failure.
  if (!String(event.message).startsWith('ResizeObserver loop')) errors.push(String(event.message));
});

const app = document.getElementById('app')!;
let handle: ReportHandle | undefined;
let exported: RecordedExport[] = [];
let selected: [string, number][] = [];
let states: Record<string, unknown>[] = [];

function visible(): Element {
  return app.querySelector('vscode-tab-panel:not([hidden]) .view') ?? app;
}

function figure(name: string): { element: Element; heatmap: HeatmapHandle } {
  const element = app.querySelector(`.heatmap-figure[data-figure="${CSS.escape(name)}"]`);
  const heatmap = element && figureHeatmap(element);
  if (!element || !heatmap) throw new Error(`no heatmap figure "${name}" on the page`);
  return { element, heatmap };
}

const api: ReportPageApi = {
  load(json, state) {
    handle?.dispose();
    exported = [];
    selected = [];
    states = [];
    const report = reportFromJson(json);
    handle = renderReport(app, report, {
      state,
      onState: (s) => states.push({ ...s }),
      onSelect: (layer, sample) => selected.push([layer, sample]),
      onExport: (request) =>
        exported.push({
          format: request.format,
          fileName: request.fileName,
          ...(request.data instanceof Uint8Array ? { bytes: [...request.data] } : {}),
          ...(typeof request.data === 'string' ? { text: request.data } : {}),
        }),
      onGoToSource: () => {},
      onRefresh: () => {},
    });
    return {
      views: [...app.querySelectorAll('vscode-tab-header')].map((h) => (h as HTMLElement).dataset.view!),
    };
  },
  dispose() {
    handle?.dispose();
    handle = undefined;
    return document.querySelectorAll('canvas').length;
  },
  reveal: (layer, sample) => handle!.reveal(layer, sample),
  state: () => ({ ...handle!.state() }),
  exports: () => exported,
  selections: () => selected,
  states: () => states,
  figures: () =>
    [...visible().querySelectorAll<HTMLElement>('.heatmap-figure')].map((f) => f.dataset.figure ?? ''),
  async ready(name) {
    for (;;) {
      try {
        figure(name).heatmap.cellBox(0, 0);
        return;
      } catch {
        await nextFrame();
      }
    }
  },
  pixelAtCell(name, row, col) {
    return cellCentrePixel(figure(name).heatmap, row, col);
  },
  framePixel(name, row) {
    const { heatmap } = figure(name);
    const box = heatmap.cellBox(row, 0);
    const dpr = window.devicePixelRatio;
    return readPixel(heatmap.canvas, Math.round(box.x * dpr) - 1, Math.floor((box.y + box.height / 2) * dpr));
  },
  cellBoxInPage(name, row, col) {
    const { heatmap } = figure(name);
    const box = heatmap.cellBox(row, col);
    const r = heatmap.canvas.getBoundingClientRect();
    return { x: r.x + box.x, y: r.y + box.y, width: box.width, height: box.height };
  },
  range: (name) => figure(name).heatmap.range(),
  tooltipText(name) {
    const tooltip = figure(name).element.querySelector<HTMLElement>('[role="tooltip"]');
    return tooltip && !tooltip.hidden
      ? [...tooltip.children].map((line) => line.textContent).join('\n')
      : null;
  },
  mapPixel(map, x, y) {
    const canvas = app.querySelector<HTMLCanvasElement>(`canvas[data-map="${CSS.escape(map)}"]`);
    if (!canvas) throw new Error(`no image map "${map}"`);
    return readPixel(canvas, x, y);
  },
  mapNames: () => [...app.querySelectorAll<HTMLCanvasElement>('canvas[data-map]')].map((c) => c.dataset.map!),
  tokenRows: () =>
    [...app.querySelectorAll<HTMLElement>('.token-row')].map((row) => ({
      layer: row.querySelector('.token-row-head button')?.textContent ?? '',
      tokens: [...row.querySelectorAll<HTMLElement>('.token')].map((chip) => ({
        text: chip.textContent ?? '',
        background: getComputedStyle(chip).backgroundColor,
      })),
    })),
  charts() {
    const out: Record<string, ChartSummary> = {};
    for (const box of visible().querySelectorAll<HTMLElement>('[data-chart]')) {
      const chart = Chart.getChart(box.querySelector('canvas')!);
      if (!chart) continue;
      out[box.dataset.chart!] = {
        type: (chart.config as { type?: string }).type ?? '',
        labels: (chart.data.labels ?? []).map(String),
        datasets: chart.data.datasets.map((d) => ({
          label: d.label ?? '',
          data: (d.data as number[]).slice(),
        })),
      };
    }
    return out;
  },
  async chartDrawn(name) {
    const canvas = visible().querySelector<HTMLCanvasElement>(`[data-chart="${CSS.escape(name)}"] canvas`);
    if (!canvas) return false;
    for (let tries = 0; tries < 120; tries++) {
      if (canvas.width > 0 && canvas.height > 0) {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) return true;
      }
      await nextFrame();
    }
    return false;
  },
  useHighContrast() {
    document.body.classList.replace('vscode-light', 'vscode-high-contrast');
  },
  useLight() {
    document.body.classList.replace('vscode-high-contrast', 'vscode-light');
  },
  violations: () => [...violations],
  errors: () => [...errors],
};

(window as unknown as { reportPage: ReportPageApi }).reportPage = api;
document.body.dataset.ready = 'true';
