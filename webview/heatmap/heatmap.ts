/**
 * MoE Scope's canvas heatmap: a rows × cols matrix (tokens × slots, layers × experts, …) drawn as ONE
 * ImageData of rows × cols pixels, coloured through a 256-entry lookup table, put on an offscreen
 * canvas and scaled onto the display canvas without smoothing. A 4096 × 1024 matrix is one pass over
 * its values and one image scale; a resize or theme change only scales the image again.
 *
 * It takes a container element and nothing else from its surroundings (no VS Code API), so the same
 * code runs in a webview panel, in a standalone HTML report and on a test page.
 */
import { autoRange, colorLut, fillPixels, lutMapping, NAN_RGBA, packRgba } from './colorScale';
import { COLORMAP_NAMES } from './colormaps';
import type { CellPosition } from './interaction';
import { Axis, cellLines } from './labels';
import { Legend } from './legend';
import { CellNavigator, type NavigatorHost } from './navigator';
import { cellAt, cellBox, drawMarks, drawPlot, layoutPlot, widestLabel, type PlotLayout } from './plot';
import { parkPicture, takePicture, type Picture } from './picture';
import { readTheme, watchTheme, type HeatmapTheme } from './theme';
import type { CellBox, ColormapName, HeatmapHandle, HeatmapOptions, Rgba, ScaleName } from './types';

/** Chromium's largest canvas side: the offscreen image has one pixel per cell. */
const MAX_SIDE = 32767;

function checkShape(options: HeatmapOptions): void {
  const { rows, cols, values } = options;
  for (const [name, n] of [
    ['rows', rows],
    ['cols', cols],
  ] as const) {
    if (!Number.isInteger(n) || n < 1 || n > MAX_SIDE) {
      throw new RangeError(`${name} must be a whole number from 1 to ${MAX_SIDE}, got ${n}`);
    }
  }
  if (!(values instanceof Float32Array) || values.length !== rows * cols) {
    throw new RangeError(`values must be a Float32Array of rows × cols = ${rows * cols} numbers`);
  }
}

/** The option errors that can be told before looking at the values. */
function checkScale(options: HeatmapOptions, colormap: ColormapName, scale: ScaleName): void {
  const { min, max } = options;
  if (!COLORMAP_NAMES.includes(colormap)) {
    throw new RangeError(`unknown colour map "${colormap}"; choose from ${COLORMAP_NAMES.join(', ')}`);
  }
  if (scale !== 'linear' && scale !== 'log') {
    throw new RangeError(`unknown scale "${String(scale)}"; choose linear or log`);
  }
  if (colormap === 'diverging' && scale === 'log') {
    throw new RangeError('the diverging colour map is linear: it shows signed differences');
  }
  if (scale === 'log' && min !== undefined && !(min > 0)) {
    throw new RangeError(`a log colour scale needs min > 0, got ${min}`);
  }
  if (min !== undefined && max !== undefined && !(min <= max)) {
    throw new RangeError(`the colour range needs min ≤ max, got [${min}, ${max}]`);
  }
}

function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser gives no 2D canvas context');
  return ctx;
}

/** Sets a canvas's backing-store size, only when it changes (setting it clears the canvas). */
function setSize(canvas: HTMLCanvasElement, width: number, height: number): void {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
}

/** Draws `options.values` into `container` and returns the handle that updates and disposes it. */
export function renderHeatmap(container: HTMLElement, options: HeatmapOptions): HeatmapHandle {
  return new Heatmap(container, options);
}

class Heatmap implements HeatmapHandle {
  readonly canvas: HTMLCanvasElement;
  private readonly figure: HTMLElement;
  private readonly overlay: HTMLCanvasElement;
  private readonly legend: Legend;
  private readonly navigator: CellNavigator;
  private readonly rows: Axis;
  private readonly cols: Axis;
  private readonly colormap: ColormapName;
  private readonly scale: ScaleName;
  private readonly picture: Picture;
  private readonly pixels: Uint32Array;
  private readonly disposers: (() => void)[] = [];
  private values: Float32Array;
  private valueRange = { min: 0, max: 1 };
  private theme!: HeatmapTheme;
  private rowLabelWidth = 0;
  private colLabelWidth = 0;
  private layout: PlotLayout | null = null;
  private cssWidth = -1;
  private disposed = false;

  constructor(
    container: HTMLElement,
    private readonly options: HeatmapOptions,
  ) {
    checkShape(options);
    this.values = options.values;
    this.colormap = options.colormap ?? 'viridis';
    this.scale = options.scale ?? 'linear';
    checkScale(options, this.colormap, this.scale);
    this.rows = new Axis(options.rows, options.rowName ?? 'row', options.rowLabels, options.rowGroups);
    this.cols = new Axis(options.cols, options.colName ?? 'column', options.colLabels, options.colGroups);

    const doc = container.ownerDocument;
    this.figure = doc.createElement('figure');
    this.figure.className = 'heatmap';
    Object.assign(this.figure.style, { margin: '0', position: 'relative', minWidth: '0' });
    if (options.title) {
      const caption = doc.createElement('figcaption');
      caption.textContent = options.title;
      Object.assign(caption.style, { fontWeight: '600', margin: '0 0 6px' });
      this.figure.append(caption);
    }
    this.canvas = doc.createElement('canvas');
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-roledescription', 'heatmap');
    this.canvas.setAttribute(
      'aria-label',
      `${options.title ?? 'Heatmap'}: ${options.rows} × ${options.cols} (${this.rows.name} × ${this.cols.name}). ` +
        'Arrow keys move between cells, Enter selects.',
    );
    Object.assign(this.canvas.style, { display: 'block', outline: 'none' }); // The cell ring shows focus.
    this.overlay = doc.createElement('canvas');
    this.overlay.setAttribute('aria-hidden', 'true');
    Object.assign(this.overlay.style, { position: 'absolute', left: '0', top: '0', pointerEvents: 'none' });
    this.navigator = new CellNavigator(this.navigatorHost());
    const plotBox = doc.createElement('div');
    plotBox.style.position = 'relative';
    plotBox.append(this.canvas, this.overlay, this.navigator.tooltip.element);
    this.legend = new Legend(this.colormap, this.scale);
    this.figure.append(plotBox, this.legend.element, this.navigator.live);
    container.append(this.figure);

    this.picture = takePicture(doc, options.cols, options.rows);
    this.pixels = new Uint32Array(this.picture.image.data.buffer);

    this.readTheme();
    this.paint();
    this.draw();
    this.watch();
  }

  private navigatorHost(): NavigatorHost {
    return {
      canvas: this.canvas,
      rows: this.options.rows,
      cols: this.options.cols,
      cellAt: (x: number, y: number): CellPosition | null => {
        if (!this.layout) return null;
        const d = this.layout.dpr;
        const found = cellAt(this.layout, this.rows.count, this.cols.count, x * d, y * d);
        return found && { row: found[0], col: found[1] };
      },
      cellBox: (cell: CellPosition): CellBox | null =>
        this.layout && cellBox(this.layout, this.rows.count, this.cols.count, cell.row, cell.col),
      describe: (cell: CellPosition) => cellLines(this.rows, this.cols, cell.row, cell.col, this.value(cell)),
      value: (cell: CellPosition) => this.value(cell),
      redrawMarks: () => this.drawMarks(),
      onHover: this.options.onHover,
      onSelect: this.options.onSelect,
    };
  }

  private value(cell: CellPosition): number {
    return this.values[cell.row * this.cols.count + cell.col]!;
  }

  // --- Drawing ----------------------------------------------------------------------------------------

  /** Colours every cell into the image (range, lookup, one pass) and puts it on the offscreen canvas. */
  private paint(): void {
    this.valueRange = autoRange(this.values, this.scale, this.options.min, this.options.max);
    const mapping = lutMapping(this.valueRange.min, this.valueRange.max, this.colormap, this.scale);
    const missing = fillPixels(
      this.values,
      this.pixels,
      colorLut(this.colormap),
      packRgba(NAN_RGBA),
      mapping,
    );
    context2d(this.picture.canvas).putImageData(this.picture.image, 0, 0);
    this.legend.update(this.valueRange.min, this.valueRange.max, missing > 0);
  }

  private readTheme(): void {
    this.theme = readTheme(this.figure);
    const ctx = context2d(this.canvas);
    ctx.font = this.theme.font;
    const measure = (text: string): number => ctx.measureText(text).width;
    this.rowLabelWidth = widestLabel(this.rows, measure);
    this.colLabelWidth = widestLabel(this.cols, measure);
  }

  /** Lays out for the current width and pixel ratio and redraws both canvases. */
  private draw(): void {
    const cssWidth = this.figure.clientWidth;
    this.cssWidth = cssWidth;
    if (cssWidth <= 0) return; // Hidden: the resize observer draws once there is room.
    const dpr = window.devicePixelRatio || 1;
    const { rows, cols, theme } = this;
    const layout = layoutPlot(
      cssWidth,
      dpr,
      rows.count,
      cols.count,
      this.rowLabelWidth,
      theme.fontSize,
      this.options.height,
    );
    this.layout = layout;
    for (const canvas of [this.canvas, this.overlay]) {
      canvas.style.width = `${layout.width / dpr}px`;
      canvas.style.height = `${layout.height / dpr}px`;
    }
    setSize(this.canvas, layout.width, layout.height);
    drawPlot(context2d(this.canvas), layout, this.picture.canvas, rows, cols, theme, this.colLabelWidth);
    this.drawMarks();
    this.navigator.refresh();
  }

  /** The overlay holds pixels only while there is a mark to show. */
  private drawMarks(): void {
    if (!this.layout) return;
    const { cursor, hover } = this.navigator;
    if (!cursor && !hover) {
      setSize(this.overlay, 0, 0);
      return;
    }
    setSize(this.overlay, this.layout.width, this.layout.height);
    const focused = this.canvas.ownerDocument.activeElement === this.canvas;
    drawMarks(
      context2d(this.overlay),
      this.layout,
      this.rows.count,
      this.cols.count,
      { cursor, hover, focused },
      this.theme,
    );
  }

  /** Redraws on resize, theme change and device-pixel-ratio change. */
  private watch(): void {
    const resize = new ResizeObserver(() => {
      if (this.figure.clientWidth !== this.cssWidth) this.draw();
    });
    resize.observe(this.figure);
    this.disposers.push(() => resize.disconnect());
    this.disposers.push(
      watchTheme(this.figure.ownerDocument, () => {
        this.readTheme();
        this.draw();
      }),
    );
    this.watchPixelRatio();
  }

  /** A media query matches only the current ratio: re-arm it after each change (zoom, another monitor). */
  private watchPixelRatio(): void {
    const query = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    const onChange = (): void => {
      query.removeEventListener('change', onChange);
      if (this.disposed) return;
      this.draw();
      this.watchPixelRatio();
    };
    query.addEventListener('change', onChange);
    this.disposers.push(() => query.removeEventListener('change', onChange));
  }

  // --- Handle -----------------------------------------------------------------------------------------

  update(values: Float32Array): void {
    if (this.disposed) throw new Error('this heatmap was disposed');
    checkShape({ ...this.options, values });
    this.values = values;
    this.paint();
    this.draw();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.navigator.dispose();
    for (const dispose of this.disposers.splice(0)) dispose();
    this.figure.remove();
    parkPicture(this.picture);
  }

  cellColor(row: number, col: number): Rgba {
    if (this.disposed) throw new Error('this heatmap was disposed');
    this.checkCell(row, col);
    const i = 4 * (row * this.cols.count + col);
    const data = this.picture.image.data;
    return [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
  }

  cellBox(row: number, col: number): CellBox {
    this.checkCell(row, col);
    if (!this.layout) throw new Error('the heatmap is not laid out yet (its container has no width)');
    return cellBox(this.layout, this.rows.count, this.cols.count, row, col);
  }

  range(): { min: number; max: number } {
    return { ...this.valueRange };
  }

  highlighted(): { row: number; col: number } | null {
    const cursor = this.navigator.cursor;
    return cursor && { ...cursor };
  }

  highlight(row: number, col: number): void {
    this.checkCell(row, col);
    this.navigator.place({ row, col });
  }

  private checkCell(row: number, col: number): void {
    if (!(
      Number.isInteger(row) &&
      Number.isInteger(col) &&
      row >= 0 &&
      row < this.rows.count &&
      col >= 0 &&
      col < this.cols.count
    )) {
      throw new RangeError(`no cell (${row}, ${col}) in a ${this.rows.count} × ${this.cols.count} heatmap`);
    }
  }
}
