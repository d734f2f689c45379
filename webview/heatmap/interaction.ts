/**
 * How a person reaches cells: the keys that move the cursor, the tooltip beside the cell, and the
 * live region that tells screen readers what the tooltip shows.
 */

export interface CellPosition {
  readonly row: number;
  readonly col: number;
}

/** Keys that move the cursor (arrows, Page Up/Down by a tenth of the rows, Home/End, Ctrl+Home/End). */
export function moveCursor(
  key: string,
  ctrl: boolean,
  from: CellPosition,
  rows: number,
  cols: number,
): CellPosition | null {
  const page = Math.max(1, Math.round(rows / 10));
  const clamp = (row: number, col: number): CellPosition => ({
    row: Math.min(rows - 1, Math.max(0, row)),
    col: Math.min(cols - 1, Math.max(0, col)),
  });
  switch (key) {
    case 'ArrowLeft':
      return clamp(from.row, from.col - 1);
    case 'ArrowRight':
      return clamp(from.row, from.col + 1);
    case 'ArrowUp':
      return clamp(from.row - 1, from.col);
    case 'ArrowDown':
      return clamp(from.row + 1, from.col);
    case 'PageUp':
      return clamp(from.row - page, from.col);
    case 'PageDown':
      return clamp(from.row + page, from.col);
    case 'Home':
      return ctrl ? clamp(0, 0) : clamp(from.row, 0);
    case 'End':
      return ctrl ? clamp(rows - 1, cols - 1) : clamp(from.row, cols - 1);
    default:
      return null;
  }
}

let tooltipIds = 0;

/** The hover card: one line per fact, placed beside a cell and kept inside its box. */
export class Tooltip {
  readonly element: HTMLDivElement;

  constructor() {
    this.element = document.createElement('div');
    this.element.id = `moe-scope-heatmap-tooltip-${++tooltipIds}`;
    this.element.className = 'heatmap-tooltip';
    this.element.setAttribute('role', 'tooltip');
    this.element.hidden = true;
    Object.assign(this.element.style, {
      position: 'absolute',
      left: '0',
      top: '0',
      pointerEvents: 'none',
      zIndex: '1',
      padding: '4px 8px',
      whiteSpace: 'nowrap',
      color: 'var(--vscode-editorHoverWidget-foreground, var(--vscode-foreground))',
      background: 'var(--vscode-editorHoverWidget-background)',
      border: '1px solid var(--vscode-editorHoverWidget-border)',
      fontVariantNumeric: 'tabular-nums',
    });
  }

  /**
   * Shows `lines` beside the anchor box (CSS px within `bounds`): right of and below it, or flipped
   * to the other side where it would leave the bounds.
   */
  show(
    lines: readonly string[],
    anchor: { x: number; y: number; width: number; height: number },
    bounds: { width: number; height: number },
  ): void {
    this.element.replaceChildren(
      ...lines.map((line) => {
        const div = document.createElement('div');
        div.textContent = line;
        return div;
      }),
    );
    this.element.hidden = false;
    const offset = 8;
    const { offsetWidth: w, offsetHeight: h } = this.element;
    let left = anchor.x + anchor.width + offset;
    if (left + w > bounds.width) left = Math.max(0, anchor.x - offset - w);
    let top = anchor.y + anchor.height + offset;
    if (top + h > bounds.height) top = Math.max(0, anchor.y - offset - h);
    this.element.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
  }

  hide(): void {
    this.element.hidden = true;
  }

  get visible(): boolean {
    return !this.element.hidden;
  }
}

/** A visually hidden polite live region: what changed, for screen readers. */
export function liveRegion(): HTMLDivElement {
  const element = document.createElement('div');
  element.className = 'heatmap-live';
  element.setAttribute('role', 'status');
  element.setAttribute('aria-live', 'polite');
  Object.assign(element.style, {
    position: 'absolute',
    width: '1px',
    height: '1px',
    margin: '-1px',
    padding: '0',
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
    border: '0',
  });
  return element;
}
