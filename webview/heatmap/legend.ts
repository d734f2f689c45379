/**
 * The colour legend under a heatmap: the colour table as a bar between its min and max labels, the
 * centre value for the diverging map, and a NaN swatch when some cells are missing. Data colours are
 * painted on canvases; text takes the theme's colours.
 */
import { colormapRgb, type ColormapName } from './colormaps';
import { NAN_RGBA, type ScaleName } from './colorScale';
import { formatValue } from './labels';

const BAR_WIDTH = 160; // CSS px
const BAR_HEIGHT = 10;

function span(text: string): HTMLSpanElement {
  const element = document.createElement('span');
  element.textContent = text;
  return element;
}

/** A canvas showing `rgba` pixels (width × 1), stretched to the given CSS size without smoothing. */
function swatch(rgba: Uint8ClampedArray<ArrayBuffer>, cssWidth: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = rgba.length / 4;
  canvas.height = 1;
  canvas.getContext('2d')?.putImageData(new ImageData(rgba, canvas.width, 1), 0, 0);
  canvas.setAttribute('aria-hidden', 'true');
  Object.assign(canvas.style, {
    width: `${cssWidth}px`,
    height: `${BAR_HEIGHT}px`,
    imageRendering: 'pixelated',
    border: '1px solid var(--vscode-editorWidget-border, transparent)',
  });
  return canvas;
}

export class Legend {
  readonly element: HTMLDivElement;
  private readonly minLabel = span('');
  private readonly maxLabel = span('');
  private readonly nanPart: HTMLSpanElement;

  constructor(
    private readonly colormap: ColormapName,
    private readonly scale: ScaleName,
  ) {
    const rgb = colormapRgb(colormap);
    const bar = new Uint8ClampedArray(256 * 4);
    for (let i = 0; i < 256; i++) bar.set([rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!, 255], 4 * i);
    this.nanPart = document.createElement('span');
    this.nanPart.append(swatch(new Uint8ClampedArray(NAN_RGBA), BAR_HEIGHT), span('NaN'));
    Object.assign(this.nanPart.style, { alignItems: 'center', gap: '4px' });
    this.element = document.createElement('div');
    this.element.className = 'heatmap-legend';
    this.element.setAttribute('role', 'group');
    Object.assign(this.element.style, {
      display: 'flex',
      alignItems: 'center',
      flexWrap: 'wrap',
      gap: '6px',
      marginTop: '6px',
      color: 'var(--vscode-descriptionForeground)',
      fontSize: '0.9em',
      fontVariantNumeric: 'tabular-nums',
    });
    const parts: Node[] = [this.minLabel, swatch(bar, BAR_WIDTH), this.maxLabel];
    if (scale === 'log') parts.push(span('(log scale)'));
    parts.push(this.nanPart);
    this.element.append(...parts);
  }

  /** Shows the range in use; the diverging map's is symmetric about its neutral 0. */
  update(min: number, max: number, hasNaN: boolean): void {
    let [lo, hi] = [min, max];
    if (this.colormap === 'diverging') {
      const half = Math.max(Math.abs(min), Math.abs(max));
      [lo, hi] = [-half, half];
    }
    this.minLabel.textContent = formatValue(lo);
    this.maxLabel.textContent = formatValue(hi);
    this.nanPart.style.display = hasNaN ? 'inline-flex' : 'none';
    const centre = this.colormap === 'diverging' ? ', neutral at 0' : '';
    const log = this.scale === 'log' ? ', logarithmic' : '';
    this.element.setAttribute(
      'aria-label',
      `Colour scale ${this.colormap}${log}${centre}: ${formatValue(lo)} to ${formatValue(hi)}` +
        (hasNaN ? '; grey cells have no value' : ''),
    );
  }
}
