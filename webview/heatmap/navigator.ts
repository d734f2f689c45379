/**
 * Pointer and keyboard on the heatmap canvas: which cell is hovered, where the keyboard cursor is,
 * the tooltip and live text that describe them, and the onHover/onSelect callbacks. It knows cells
 * only through its host, so it holds no geometry or values of its own.
 */
import { liveRegion, moveCursor, Tooltip, type CellPosition } from './interaction';
import type { CellBox, HeatmapCell } from './types';

export interface NavigatorHost {
  readonly canvas: HTMLCanvasElement;
  readonly rows: number;
  readonly cols: number;
  /** The cell under a point in CSS px relative to the canvas, or null. */
  cellAt(x: number, y: number): CellPosition | null;
  /** Where a cell is drawn (CSS px relative to the canvas), or null before the first layout. */
  cellBox(cell: CellPosition): CellBox | null;
  /** The tooltip's lines for a cell. */
  describe(cell: CellPosition): string[];
  value(cell: CellPosition): number;
  /** Draws the cursor ring and hover outline again. */
  redrawMarks(): void;
  onHover?: (cell: HeatmapCell | null) => void;
  onSelect?: (row: number, col: number) => void;
}

function same(a: CellPosition | null, b: CellPosition | null): boolean {
  return a === b || (!!a && !!b && a.row === b.row && a.col === b.col);
}

export class CellNavigator {
  readonly tooltip = new Tooltip();
  readonly live = liveRegion();
  cursor: CellPosition | null = null;
  hover: CellPosition | null = null;
  private pointer: CellBox | null = null; // Where the pointer last was over a cell.
  private pointerDown = false;
  private readonly disposers: (() => void)[] = [];

  constructor(private readonly host: NavigatorHost) {
    const canvas = host.canvas;
    this.on(canvas, 'pointermove', (event) => this.pointAt(event));
    this.on(canvas, 'pointerleave', () => this.setHover(null));
    this.on(canvas, 'pointerdown', () => (this.pointerDown = true));
    this.on(canvas, 'pointerup', () => (this.pointerDown = false));
    this.on(canvas, 'click', (event) => {
      this.pointerDown = false;
      const cell = host.cellAt(event.offsetX, event.offsetY);
      if (cell) this.select(cell);
    });
    this.on(canvas, 'keydown', (event) => this.onKey(event));
    this.on(canvas, 'focus', () => {
      if (this.pointerDown) return; // The click that focused the canvas picks the cell.
      this.moveTo(this.cursor ?? { row: 0, col: 0 });
    });
    this.on(canvas, 'blur', () => {
      if (!this.hover) this.tooltip.hide();
      host.redrawMarks();
    });
  }

  private on<K extends keyof HTMLElementEventMap>(
    target: HTMLElement,
    type: K,
    listener: (event: HTMLElementEventMap[K]) => void,
  ): void {
    target.addEventListener(type, listener);
    this.disposers.push(() => target.removeEventListener(type, listener));
  }

  private get focused(): boolean {
    return this.host.canvas.ownerDocument.activeElement === this.host.canvas;
  }

  private pointAt(event: PointerEvent): void {
    const cell = this.host.cellAt(event.offsetX, event.offsetY);
    this.setHover(cell);
    if (cell) {
      this.pointer = { x: event.offsetX, y: event.offsetY, width: 0, height: 0 };
      this.tooltip.show(this.host.describe(cell), this.pointer, this.bounds());
    }
  }

  private setHover(cell: CellPosition | null): void {
    const changed = !same(cell, this.hover);
    this.hover = cell;
    if (!cell) {
      if (this.focused && this.cursor) this.showAtCursor();
      else this.tooltip.hide();
    }
    if (changed) {
      this.host.redrawMarks();
      this.host.onHover?.(cell ? { ...cell, value: this.host.value(cell) } : null);
    }
  }

  private onKey(event: KeyboardEvent): void {
    const from = this.cursor ?? { row: 0, col: 0 };
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.select(from);
      return;
    }
    if (event.key === 'Escape') {
      this.tooltip.hide();
      return;
    }
    const to = moveCursor(event.key, event.ctrlKey || event.metaKey, from, this.host.rows, this.host.cols);
    if (!to) return;
    event.preventDefault();
    this.moveTo(to);
  }

  /** Puts the keyboard cursor on a cell: ring, tooltip, live text, onHover. */
  private moveTo(cell: CellPosition): void {
    this.cursor = cell;
    this.host.redrawMarks();
    this.showAtCursor();
    this.live.textContent = this.host.describe(cell).join(', ');
    this.host.onHover?.({ ...cell, value: this.host.value(cell) });
  }

  private select(cell: CellPosition): void {
    this.cursor = cell;
    this.host.redrawMarks();
    this.live.textContent = `Selected ${this.host.describe(cell).join(', ')}`;
    this.host.onSelect?.(cell.row, cell.col);
  }

  private showAtCursor(): void {
    const box = this.cursor && this.host.cellBox(this.cursor);
    if (box && this.cursor) this.tooltip.show(this.host.describe(this.cursor), box, this.bounds());
  }

  private bounds(): { width: number; height: number } {
    return { width: this.host.canvas.clientWidth, height: this.host.canvas.clientHeight };
  }

  /** Moves the cursor without announcing or selecting (a restored selection). */
  place(cell: CellPosition): void {
    this.cursor = cell;
    this.host.redrawMarks();
  }

  /** Rewrites a visible tooltip after the values or the layout changed. */
  refresh(): void {
    if (!this.tooltip.visible) return;
    if (this.hover && this.pointer)
      this.tooltip.show(this.host.describe(this.hover), this.pointer, this.bounds());
    else this.showAtCursor();
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
  }
}
