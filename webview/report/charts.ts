/**
 * Chart.js set up for MoE Scope: only the pieces the curves need are registered, animation is off
 * (a chart is drawn once, fully, which exports and tests rely on), and every colour comes from
 * VS Code's `--vscode-charts-*` theme variables. A theme change rebuilds the chart.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { watchTheme } from '../heatmap/theme';
import { el } from '../shared/dom';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

export interface ChartColors {
  text: string;
  muted: string;
  grid: string;
  ranked: string;
  random: string;
  optimal: string;
  extra: string;
  font: string;
  fontSize: number;
}

/** Reads the theme as it applies to `element`; missing variables fall back to the text colour. */
export function chartColors(element: Element): ChartColors {
  const style = getComputedStyle(element);
  const fallback = style.color || '#808080';
  const variable = (...names: string[]): string => {
    for (const name of names) {
      const value = style.getPropertyValue(name).trim();
      if (value) return value;
    }
    return fallback;
  };
  return {
    text: variable('--vscode-charts-foreground', '--vscode-foreground'),
    muted: variable('--vscode-descriptionForeground', '--vscode-foreground'),
    grid: variable('--vscode-charts-lines', '--vscode-editorWidget-border', '--vscode-widget-border'),
    ranked: variable('--vscode-charts-blue', '--vscode-foreground'),
    random: variable('--vscode-charts-orange', '--vscode-descriptionForeground'),
    optimal: variable('--vscode-charts-green', '--vscode-foreground'),
    extra: variable('--vscode-charts-purple', '--vscode-charts-red', '--vscode-foreground'),
    font: style.fontFamily || 'sans-serif',
    fontSize: Math.max(10, Math.round((parseFloat(style.fontSize) || 13) * 0.9)),
  };
}

let probe: CanvasRenderingContext2D | null = null;

/** `colour` (any CSS colour) with opacity `alpha`. */
export function withAlpha(colour: string, alpha: number): string {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return colour;
  probe.fillStyle = '#000000';
  probe.fillStyle = colour;
  const normal = String(probe.fillStyle); // "#rrggbb" or "rgba(r, g, b, a)"
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(normal);
  if (hex)
    return `rgba(${parseInt(hex[1]!, 16)}, ${parseInt(hex[2]!, 16)}, ${parseInt(hex[3]!, 16)}, ${alpha})`;
  const rgba = /^rgba\((\d+),\s*(\d+),\s*(\d+),\s*([\d.]+)\)$/.exec(normal);
  return rgba ? `rgba(${rgba[1]}, ${rgba[2]}, ${rgba[3]}, ${alpha * Number(rgba[4])})` : colour;
}

/** Scale and legend options in the theme's colours. */
export function themedOptions(colors: ChartColors, x: string, y: string) {
  const axis = (title: string) => ({
    title: { display: true, text: title, color: colors.muted },
    ticks: { color: colors.muted },
    grid: { color: withAlpha(colors.grid, 0.5) },
    border: { color: colors.grid },
  });
  return { x: axis(x), y: axis(y) };
}

export interface ChartFigure {
  readonly element: HTMLElement;
  /** The live chart (replaced on theme change). */
  chart(): Chart;
  dispose(): void;
}

/**
 * A chart in a fixed-height box. `build` makes the configuration from the theme colours; it runs
 * again when the theme changes.
 */
export function chartFigure(label: string, build: (colors: ChartColors) => ChartConfiguration): ChartFigure {
  const canvas = el('canvas', { role: 'img', 'aria-label': label }) as HTMLCanvasElement;
  const element = el('div', { class: 'chart-box' }, canvas);
  const make = (): Chart => {
    const colors = chartColors(element.isConnected ? element : document.body);
    Chart.defaults.font.family = colors.font;
    Chart.defaults.font.size = colors.fontSize;
    Chart.defaults.color = colors.text;
    const config = build(colors);
    config.options = { animation: false, responsive: true, maintainAspectRatio: false, ...config.options };
    return new Chart(canvas, config);
  };
  let chart = make();
  const stop = watchTheme(document, () => {
    chart.destroy();
    chart = make();
  });
  return {
    element,
    chart: () => chart,
    dispose() {
      stop();
      chart.destroy();
    },
  };
}
