/**
 * One colour per expert, for colouring tokens and patches by the expert they go to. Hues are spread
 * evenly around the colour wheel (for many experts, by the golden angle, so neighbours in index
 * still differ), with lightness alternating so adjacent hues stay apart. These are data colours:
 * like the heatmap's colour maps they do not change with the theme.
 */
import type { Rgba } from '../heatmap/colormaps';

const GOLDEN_ANGLE = 137.50776405;

/** HSL (h in degrees, s and l in [0, 1]) to opaque RGBA bytes. */
export function hslToRgba(h: number, s: number, l: number): Rgba {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number): number => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4), 255];
}

/** The colour of expert `i` of `n`. */
export function expertColor(i: number, n: number): Rgba {
  const hue = n <= 12 ? (i * 360) / Math.max(n, 1) + 15 : (i * GOLDEN_ANGLE + 15) % 360;
  const lightness = i % 2 === 0 ? 0.5 : 0.65;
  return hslToRgba(hue % 360, 0.7, lightness);
}

/** WCAG relative luminance of an sRGB colour. */
export function luminance([r, g, b]: Rgba): number {
  const linear = (v: number): number => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** Black or white, whichever reads better on `background`. */
export function textOn(background: Rgba): string {
  // Contrast with black (L + 0.05)/0.05 against white 1.05/(L + 0.05): equal at L ≈ 0.179.
  return luminance(background) > 0.179 ? '#000000' : '#ffffff';
}

export function cssColor([r, g, b]: Rgba): string {
  return `rgb(${r}, ${g}, ${b})`;
}
