/**
 * The rows × cols picture behind a heatmap: one ImageData (one pixel per cell) and the offscreen
 * canvas it is put on. For a 4096 × 1024 matrix that is 2 × 16 MB, and touching fresh memory of that
 * size costs about as much as colouring it. So the picture of the last disposed heatmap is kept (one,
 * never more) and handed to the next heatmap of the same shape, as when a panel switches between the
 * layers of a model; a picture of any other shape is freed at once.
 */

export interface Picture {
  readonly image: ImageData;
  readonly canvas: HTMLCanvasElement;
}

let parked: Picture | undefined;

function free(picture: Picture): void {
  picture.canvas.width = 0;
  picture.canvas.height = 0;
  // Detaching the pixels' buffer returns its memory now rather than at the next collection.
  const buffer = picture.image.data.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  buffer.transfer?.(0);
}

/** A picture of cols × rows pixels for `doc`: the parked one when it fits, else a new one. */
export function takePicture(doc: Document, cols: number, rows: number): Picture {
  const previous = parked;
  parked = undefined;
  if (previous) {
    const { image, canvas } = previous;
    if (image.width === cols && image.height === rows && canvas.ownerDocument === doc) return previous;
    free(previous);
  }
  const canvas = doc.createElement('canvas');
  canvas.width = cols;
  canvas.height = rows;
  return { image: new ImageData(cols, rows), canvas };
}

/** Gives a disposed heatmap's picture back: kept for the next heatmap of its shape. */
export function parkPicture(picture: Picture): void {
  if (parked) free(parked);
  parked = picture;
}
