/**
 * The heatmap test page: MoE Scope's renderer on its own, in a page styled with VS Code's theme
 * variables and served under the webview's script and style policy. It exposes `window.heatmapPage`
 * (see heatmapPageApi.ts) for the browser test to drive it and read pixels back.
 */
import { seededRandom } from '../../../src/core/data/random';
import { renderHeatmap, type HeatmapHandle } from '../../../webview/heatmap';
import type { HeatmapPageApi, PageHeatmapSpec, Rgba } from './heatmapPageApi';
import { cellCentrePixel, nextFrame, readPixel, recordViolations } from './pixels';

const violations = recordViolations();

const stage = document.getElementById('stage')!;
const gallery = document.getElementById('gallery')!;
let current: HeatmapHandle | undefined;
let galleryHandles: HeatmapHandle[] = [];
let selected: [number, number][] = [];
let hovered: { row: number; col: number; value: number } | null = null;
let currentValues: Float32Array = new Float32Array(0);
let currentCols = 0;

function clear(): void {
  current?.dispose();
  current = undefined;
  for (const handle of galleryHandles) handle.dispose();
  galleryHandles = [];
  gallery.replaceChildren();
  selected = [];
  hovered = null;
}

function show(spec: Omit<PageHeatmapSpec, 'values' | 'width'>, values: Float32Array, width: number): void {
  clear();
  stage.style.width = `${width}px`;
  currentValues = values;
  currentCols = spec.cols;
  current = renderHeatmap(stage, {
    ...spec,
    values,
    onHover: (cell) => (hovered = cell ? { ...cell } : null),
    onSelect: (row, col) => selected.push([row, col]),
  });
}

function handle(): HeatmapHandle {
  if (!current) throw new Error('no heatmap on the page');
  return current;
}

/** Soft MoE dispatch weights for a sentence: each slot's softmax over tokens, experts favour a theme. */
function dispatchGallery(): HeatmapHandle {
  const tokens =
    'the router sends each token to the slots of the experts that weigh it most , and every slot mixes a few tokens from across the whole input sequence .'.split(
      ' ',
    );
  const experts = 8;
  const slotsPerExpert = 4;
  const slots = experts * slotsPerExpert;
  const rand = seededRandom(7);
  const logits = new Float64Array(tokens.length * slots);
  for (let t = 0; t < tokens.length; t++) {
    for (let s = 0; s < slots; s++) {
      const expert = Math.floor(s / slotsPerExpert);
      const affinity = Math.cos((t * 0.35 + expert * 0.8) % (2 * Math.PI));
      logits[t * slots + s] = 2.2 * affinity + 0.9 * rand();
    }
  }
  const values = new Float32Array(logits.length);
  for (let s = 0; s < slots; s++) {
    let total = 0;
    for (let t = 0; t < tokens.length; t++) total += Math.exp(logits[t * slots + s]!);
    for (let t = 0; t < tokens.length; t++) values[t * slots + s] = Math.exp(logits[t * slots + s]!) / total;
  }
  return renderHeatmap(cell(), {
    values,
    rows: tokens.length,
    cols: slots,
    rowLabels: tokens.map((token, i) => `${i} ${token}`),
    colLabels: Array.from({ length: slots }, (_, s) => `slot ${s}`),
    rowName: 'token',
    colName: 'slot',
    colGroups: { size: slotsPerExpert, labels: Array.from({ length: experts }, (_, e) => `E${e}`) },
    colormap: 'viridis',
    title: 'blocks.2.mixer · dispatch (tokens × slots)',
    onSelect: (row, col) => selected.push([row, col]),
  });
}

/** Checkpoint B minus checkpoint A: expert load per layer, a signed difference. */
function differenceGallery(): HeatmapHandle {
  const layers = 12;
  const experts = 16;
  const rand = seededRandom(11);
  const values = new Float32Array(layers * experts);
  for (let l = 0; l < layers; l++) {
    for (let e = 0; e < experts; e++) {
      values[l * experts + e] =
        0.12 * Math.sin((l + 1) * (e + 2) * 0.37) * (l / layers) + 0.02 * (rand() - 0.5);
    }
  }
  return renderHeatmap(cell(), {
    values,
    rows: layers,
    cols: experts,
    rowLabels: Array.from({ length: layers }, (_, l) => `blocks.${l}`),
    colLabels: Array.from({ length: experts }, (_, e) => `E${e}`),
    rowName: 'layer',
    colName: 'expert',
    colormap: 'diverging',
    title: 'Expert load, B − A (layers × experts)',
  });
}

/** Routing probability per class and expert, spanning decades, with experts never measured as NaN. */
function classGallery(): HeatmapHandle {
  const classes = [
    'T-shirt',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ];
  const experts = 16;
  const rand = seededRandom(3);
  const values = new Float32Array(classes.length * experts);
  for (let c = 0; c < classes.length; c++) {
    for (let e = 0; e < experts; e++) {
      const favourite = (c * 5 + 3) % experts === e || (c * 3 + 1) % experts === e;
      values[c * experts + e] = favourite ? 0.3 + 0.4 * rand() : 10 ** (-4 + 3 * rand());
    }
  }
  for (const [c, e] of [
    [2, 9],
    [6, 9],
    [8, 14],
  ] as const)
    values[c * experts + e] = NaN;
  return renderHeatmap(cell(), {
    values,
    rows: classes.length,
    cols: experts,
    rowLabels: classes,
    colLabels: Array.from({ length: experts }, (_, e) => `E${e}`),
    rowName: 'class',
    colName: 'expert',
    colormap: 'magma',
    scale: 'log',
    title: 'Routing probability (classes × experts, log)',
  });
}

function cell(): HTMLDivElement {
  const div = document.createElement('div');
  gallery.append(div);
  return div;
}

const api: HeatmapPageApi = {
  render(spec) {
    const { values, width, ...rest } = spec;
    show(rest, Float32Array.from(values), width);
  },
  update(values) {
    currentValues = Float32Array.from(values);
    handle().update(currentValues);
  },
  dispose() {
    handle().dispose();
    current = undefined;
    return {
      figures: stage.querySelectorAll('figure').length,
      canvases: stage.querySelectorAll('canvas').length,
    };
  },
  async renderRandom(rows, cols, width, range) {
    clear();
    stage.style.width = `${width}px`;
    const values = new Float32Array(rows * cols);
    const rand = seededRandom(2024);
    for (let i = 0; i < values.length; i++) values[i] = rand();
    await nextFrame();
    const started = performance.now();
    show({ rows, cols, title: `${rows} × ${cols} random`, min: range?.[0], max: range?.[1] }, values, width);
    await nextFrame();
    await nextFrame();
    return performance.now() - started;
  },
  valuesAt(cells) {
    return cells.map(([row, col]) => currentValues[row * currentCols + col]!);
  },
  renderGallery() {
    clear();
    stage.style.width = '0';
    galleryHandles = [dispatchGallery(), differenceGallery(), classGallery()];
    current = galleryHandles[0];
  },
  setContainerWidth(width) {
    stage.style.width = `${width}px`;
  },
  pixelAtCell(row, col) {
    return cellCentrePixel(handle(), row, col);
  },
  pixel(x, y) {
    return readPixel(handle().canvas, x, y);
  },
  overlayPixel(x, y) {
    const overlay = handle().canvas.nextElementSibling as HTMLCanvasElement;
    return readPixel(overlay, x, y);
  },
  cellColor: (row, col) => [...handle().cellColor(row, col)] as Rgba,
  cellBox: (row, col) => ({ ...handle().cellBox(row, col) }),
  canvasInfo() {
    const canvas = handle().canvas;
    const r = canvas.getBoundingClientRect();
    return {
      box: { x: r.x, y: r.y, width: r.width, height: r.height },
      width: canvas.width,
      height: canvas.height,
      dpr: window.devicePixelRatio,
    };
  },
  highlighted: () => handle().highlighted(),
  selections: () => selected.map(([r, c]) => [r, c]),
  lastHover: () => hovered,
  tooltipText() {
    const tooltip = handle().canvas.parentElement?.querySelector<HTMLElement>('[role="tooltip"]');
    return tooltip && !tooltip.hidden
      ? [...tooltip.children].map((line) => line.textContent).join('\n')
      : null;
  },
  liveText: () => handle().canvas.closest('figure')?.querySelector('[aria-live]')?.textContent ?? '',
  useHighContrast() {
    const root = document.documentElement.style;
    root.setProperty('--vscode-foreground', '#ffffff');
    root.setProperty('--vscode-descriptionForeground', '#ffffff');
    root.setProperty('--vscode-editor-background', '#000000');
    root.setProperty('--vscode-contrastBorder', '#6fc3df');
    root.setProperty('--vscode-contrastActiveBorder', '#f38518');
    root.setProperty('--vscode-focusBorder', '#f38518');
    root.setProperty('--vscode-editorWidget-border', '#6fc3df');
    document.body.classList.replace('vscode-dark', 'vscode-high-contrast');
  },
  violations: () => [...violations],
};

(window as unknown as { heatmapPage: HeatmapPageApi }).heatmapPage = api;
document.body.dataset.ready = 'true';
