/**
 * Geometry and drawing of the display canvas: where the matrix goes (in device pixels, so every cell
 * edge falls on a whole pixel), the scaled image itself, group separators, the frame and the tick
 * labels. Cells never get resampled: the rows × cols image is scaled nearest-neighbour.
 */
import type { Axis } from './labels';
import type { HeatmapTheme } from './theme';
import type { CellPosition } from './interaction';
import type { CellBox } from './types';

/** Where the matrix is drawn, in device pixels of the display canvas. */
export interface PlotLayout {
  readonly dpr: number;
  /** The canvas backing-store size. */
  readonly width: number;
  readonly height: number;
  /** The matrix rectangle (whole device pixels). */
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

const GAP = 6; // CSS px between tick labels and the plot, and between neighbouring labels.
const MAX_LABEL_SHARE = 0.3; // Row labels take at most this share of the width.
const SAMPLES = 32; // Labels measured per axis to size its margin: the longest strings and a spread.

/**
 * The widest label (CSS px) of an axis (or of its groups, when it shows those), measured on the
 * longest strings and on evenly spaced ones, so a 4096-token axis costs 64 measurements, not 4096.
 */
export function widestLabel(axis: Axis, measure: (text: string) => number): number {
  const groups = axis.labelsGroups;
  const count = groups ? axis.groupCount : axis.count;
  const text = (i: number): string => (groups ? (axis.groupLabel(i) ?? '') : axis.label(i));
  let longest = 0;
  for (let i = 0; i < count; i++) longest = Math.max(longest, text(i).length);
  let widest = 0;
  for (let i = 0, found = 0; i < count && found < SAMPLES; i++) {
    const label = text(i);
    if (label.length === longest) {
      widest = Math.max(widest, measure(label));
      found++;
    }
  }
  const step = Math.max(1, Math.ceil(count / SAMPLES));
  for (let i = 0; i < count; i += step) widest = Math.max(widest, measure(text(i)));
  return widest;
}

/**
 * Lays out a canvas `cssWidth` wide: row labels on the left (as wide as the widest, up to 30% of the
 * width), column labels below, the matrix in between. The plot height is `plotHeight` CSS px, or by
 * default what makes cells square, kept within 120–480 px.
 */
export function layoutPlot(
  cssWidth: number,
  dpr: number,
  rows: number,
  cols: number,
  rowLabelWidth: number,
  fontSize: number,
  plotHeight: number | undefined,
): PlotLayout {
  const left = Math.min(Math.ceil(rowLabelWidth) + GAP, Math.floor(cssWidth * MAX_LABEL_SHARE));
  const top = 1;
  const right = 1;
  const bottom = fontSize + GAP + 2;
  const plotCssWidth = Math.max(1, cssWidth - left - right);
  const cssHeight = plotHeight ?? Math.min(480, Math.max(120, Math.round((rows * plotCssWidth) / cols)));
  const width = Math.max(1, Math.round(cssWidth * dpr));
  const x = Math.round(left * dpr);
  const y = Math.round(top * dpr);
  const w = Math.max(1, width - x - Math.round(right * dpr));
  const h = Math.max(1, Math.round(cssHeight * dpr));
  return { dpr, width, height: y + h + Math.round(bottom * dpr), x, y, w, h };
}

/** The device-pixel position of edge i of `count` cells spread over [start, start + length). */
export function edge(i: number, count: number, start: number, length: number): number {
  return start + Math.round((i * length) / count);
}

/** Cell (row, col) at device point (px, py), or null outside the matrix. */
export function cellAt(
  layout: PlotLayout,
  rows: number,
  cols: number,
  px: number,
  py: number,
): [number, number] | null {
  const col = Math.floor(((px - layout.x) * cols) / layout.w);
  const row = Math.floor(((py - layout.y) * rows) / layout.h);
  return row >= 0 && row < rows && col >= 0 && col < cols ? [row, col] : null;
}

/** Cell (row, col) in CSS pixels relative to the canvas. */
export function cellBox(layout: PlotLayout, rows: number, cols: number, row: number, col: number): CellBox {
  const x0 = edge(col, cols, layout.x, layout.w);
  const y0 = edge(row, rows, layout.y, layout.h);
  const d = layout.dpr;
  return {
    x: x0 / d,
    y: y0 / d,
    width: (edge(col + 1, cols, layout.x, layout.w) - x0) / d,
    height: (edge(row + 1, rows, layout.y, layout.h) - y0) / d,
  };
}

/** Shortens `text` with an ellipsis until it fits `max` pixels. */
function fit(ctx: CanvasRenderingContext2D, text: string, max: number): string {
  if (ctx.measureText(text).width <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= max) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 ? `${text.slice(0, lo)}…` : '';
}

interface Tick {
  readonly at: number; // Device px along the axis: the centre of the cell or group.
  readonly text: string;
}

/** Labels along an axis, every stride-th so that neighbours keep `extent` device px apart. */
function ticks(axis: Axis, start: number, length: number, extent: number): Tick[] {
  const groups = axis.labelsGroups;
  const count = groups ? axis.groupCount : axis.count;
  const span = groups ? axis.groupSize : 1;
  const pitch = (length * span) / axis.count;
  const stride = Math.max(1, Math.ceil(extent / pitch));
  const out: Tick[] = [];
  for (let i = 0; i < count; i += stride) {
    const a = edge(i * span, axis.count, start, length);
    const b = edge(Math.min((i + 1) * span, axis.count), axis.count, start, length);
    out.push({ at: (a + b) / 2, text: groups ? (axis.groupLabel(i) ?? '') : axis.label(i) });
  }
  return out;
}

/** Separators between groups, where a group is at least 4 device px wide (else they would hide cells). */
function separators(ctx: CanvasRenderingContext2D, axis: Axis, layout: PlotLayout, vertical: boolean): void {
  const start = vertical ? layout.x : layout.y;
  const length = vertical ? layout.w : layout.h;
  if (!axis.groupSize || (length * axis.groupSize) / axis.count < 4) return;
  const thickness = Math.max(1, Math.round(layout.dpr));
  for (let g = 1; g < axis.groupCount; g++) {
    const at = edge(g * axis.groupSize, axis.count, start, length) - (thickness >> 1);
    if (vertical) ctx.fillRect(at, layout.y, thickness, layout.h);
    else ctx.fillRect(layout.x, at, layout.w, thickness);
  }
}

/**
 * Draws the whole display canvas: the matrix image scaled without smoothing, separators, the frame
 * and the tick labels. `image` is the rows × cols picture, one pixel per cell.
 */
export function drawPlot(
  ctx: CanvasRenderingContext2D,
  layout: PlotLayout,
  image: CanvasImageSource,
  rows: Axis,
  cols: Axis,
  theme: HeatmapTheme,
  colLabelWidth: number,
): void {
  const { dpr, x, y, w, h } = layout;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, layout.width, layout.height);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(image, 0, 0, cols.count, rows.count, x, y, w, h);

  ctx.fillStyle = theme.border;
  separators(ctx, cols, layout, true);
  separators(ctx, rows, layout, false);
  ctx.strokeStyle = theme.border;
  ctx.lineWidth = 1;
  ctx.strokeRect(x - 0.5, y - 0.5, w + 1, h + 1);

  ctx.fillStyle = theme.text;
  ctx.font = theme.font.replace(/^[\d.]+px/, `${theme.fontSize * dpr}px`);
  const gap = GAP * dpr;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const tick of ticks(rows, y, h, (theme.fontSize + 2) * dpr)) {
    ctx.fillText(fit(ctx, tick.text, x - gap), x - gap / 2, tick.at);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const labelWidth = Math.min(colLabelWidth * dpr, w);
  for (const tick of ticks(cols, x, w, labelWidth + gap)) {
    const text = fit(ctx, tick.text, labelWidth);
    const half = ctx.measureText(text).width / 2;
    const at = Math.min(Math.max(tick.at, half), layout.width - half);
    ctx.fillText(text, at, y + h + gap / 2);
  }
}

/** A cell's rectangle in device px, grown about its centre to at least `min` CSS px a side. */
function markBox(layout: PlotLayout, rows: number, cols: number, row: number, col: number, min: number) {
  const d = layout.dpr;
  const box = cellBox(layout, rows, cols, row, col);
  const w = Math.max(box.width, min) * d;
  const h = Math.max(box.height, min) * d;
  return { x: (box.x + box.width / 2) * d - w / 2, y: (box.y + box.height / 2) * d - h / 2, w, h };
}

/**
 * Draws the overlay: a thin outline on the hovered cell and a two-line ring around the keyboard
 * cursor, the outer line in the focus colour (the contrast border in high-contrast themes) while the
 * canvas has focus, the inner in the background colour so the ring shows on any cell colour.
 */
export function drawMarks(
  ctx: CanvasRenderingContext2D,
  layout: PlotLayout,
  rows: number,
  cols: number,
  marks: { cursor: CellPosition | null; hover: CellPosition | null; focused: boolean },
  theme: HeatmapTheme,
): void {
  const d = layout.dpr;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, layout.width, layout.height);
  const { cursor, hover } = marks;
  if (hover && !(cursor && cursor.row === hover.row && cursor.col === hover.col)) {
    const { x, y, w, h } = markBox(layout, rows, cols, hover.row, hover.col, 4);
    ctx.lineWidth = d;
    ctx.strokeStyle = theme.text;
    ctx.strokeRect(x - d / 2, y - d / 2, w + d, h + d);
  }
  if (cursor) {
    const { x, y, w, h } = markBox(layout, rows, cols, cursor.row, cursor.col, 6);
    const outer = 2 * d;
    ctx.lineWidth = outer;
    ctx.strokeStyle = marks.focused || theme.highContrast ? theme.focus : theme.text;
    ctx.strokeRect(x - outer / 2, y - outer / 2, w + outer, h + outer);
    ctx.lineWidth = d;
    ctx.strokeStyle = theme.focusInner;
    ctx.strokeRect(x + d / 2, y + d / 2, Math.max(0, w - d), Math.max(0, h - d));
  }
}
