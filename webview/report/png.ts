/** Canvases to PNG bytes for exports, on an opaque background so they read outside the editor too. */

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** Whether `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** The theme's editor background, for export backgrounds. */
export function backgroundColor(element: Element): string {
  const style = getComputedStyle(element);
  return style.getPropertyValue('--vscode-editor-background').trim() || style.backgroundColor || '#ffffff';
}

/** A copy of `source` drawn over `background`. */
export function opaque(source: HTMLCanvasElement, background: string): HTMLCanvasElement {
  const canvas = source.ownerDocument.createElement('canvas');
  canvas.width = source.width;
  canvas.height = source.height;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(source, 0, 0);
  return canvas;
}

/** The PNG encoding of a canvas. */
export async function canvasPng(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the canvas could not be encoded as PNG (is it empty?)');
  return new Uint8Array(await blob.arrayBuffer());
}
