/** Small canvases for the image views, and a sheet of them with captions for PNG export. */

/** A canvas holding `rgba` (width × height) at one pixel per image pixel, shown `scale` times larger. */
export function pixelCanvas(
  rgba: Uint8ClampedArray<ArrayBuffer>,
  width: number,
  height: number,
  cssWidth: number,
  label: string,
): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.putImageData(new ImageData(rgba, width, height), 0, 0);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  canvas.title = label;
  canvas.style.width = `${Math.round(cssWidth)}px`;
  canvas.style.height = `${Math.round((cssWidth * height) / width)}px`;
  // Upscaled patches stay sharp; a large image shrunk to a thumbnail is smoothed instead.
  canvas.style.imageRendering = cssWidth >= width ? 'pixelated' : 'auto';
  return canvas;
}

/** The CSS width that shows a `width`-pixel image at about `target` px, by whole multiples when enlarging. */
export function displayWidth(width: number, target: number): number {
  return width >= target ? target : width * Math.max(1, Math.floor(target / width));
}

export interface SheetItem {
  canvas: HTMLCanvasElement;
  caption: string;
}

/**
 * One canvas with the items in rows of `columns`, each drawn `cellWidth` px wide (sharp when
 * enlarged) over its caption, in the theme's colours read from `themed`.
 */
export function sheet(
  items: readonly SheetItem[],
  columns: number,
  cellWidth: number,
  themed: Element,
): HTMLCanvasElement {
  const style = getComputedStyle(themed);
  const fontSize = parseFloat(style.fontSize) || 13;
  const gap = 12;
  const captionHeight = Math.round(fontSize * 1.6);
  const first = items[0]?.canvas;
  const cellHeight = first ? Math.round((cellWidth * first.height) / first.width) : 0;
  const cols = Math.max(1, Math.min(columns, items.length));
  const rows = Math.ceil(items.length / cols);
  const canvas = document.createElement('canvas');
  canvas.width = gap + cols * (cellWidth + gap);
  canvas.height = gap + rows * (cellHeight + captionHeight + gap);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = style.getPropertyValue('--vscode-editor-background').trim() || '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = style.color || '#000000';
  ctx.font = `${fontSize}px ${style.fontFamily || 'sans-serif'}`;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'center';
  items.forEach((item, i) => {
    const x = gap + (i % cols) * (cellWidth + gap);
    const y = gap + Math.floor(i / cols) * (cellHeight + captionHeight + gap);
    ctx.imageSmoothingEnabled = cellWidth < item.canvas.width;
    ctx.drawImage(item.canvas, x, y, cellWidth, cellHeight);
    ctx.fillText(item.caption, x + cellWidth / 2, y + cellHeight + 4, cellWidth);
  });
  return canvas;
}
