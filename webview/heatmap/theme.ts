/**
 * The theme colours and font the heatmap draws its axes, separators and focus ring with, read from
 * VS Code's `--vscode-*` variables. A standalone report defines the same variables; where one is
 * missing the element's own text colour stands in, so nothing is ever drawn in a hard-coded colour.
 */

export interface HeatmapTheme {
  /** Tick labels. */
  readonly text: string;
  /** Group separators and the frame around the plot. */
  readonly border: string;
  /** The focused cell's ring. */
  readonly focus: string;
  /** The line inside the focus ring, so it stands out on any cell colour. */
  readonly focusInner: string;
  readonly highContrast: boolean;
  /** A canvas font for tick labels, and its size in CSS pixels. */
  readonly font: string;
  readonly fontSize: number;
}

/** Whether VS Code shows a high-contrast theme (dark or light). */
export function isHighContrast(doc: Document): boolean {
  const classes = doc.body?.classList;
  return (
    !!classes && (classes.contains('vscode-high-contrast') || classes.contains('vscode-high-contrast-light'))
  );
}

/** Reads the theme as it applies to `element`. */
export function readTheme(element: Element): HeatmapTheme {
  const style = getComputedStyle(element);
  const fallback = style.color;
  const variable = (...names: string[]): string => {
    for (const name of names) {
      const value = style.getPropertyValue(name).trim();
      if (value) return value;
    }
    return fallback;
  };
  const highContrast = isHighContrast(element.ownerDocument);
  const fontSize = parseFloat(style.fontSize) || 13;
  const family = style.fontFamily || 'sans-serif';
  const tickSize = Math.max(10, Math.round(fontSize * 0.9));
  return {
    text: variable('--vscode-descriptionForeground', '--vscode-foreground'),
    border: highContrast
      ? variable('--vscode-contrastBorder', '--vscode-editorWidget-border', '--vscode-foreground')
      : variable('--vscode-editorWidget-border', '--vscode-widget-border', '--vscode-descriptionForeground'),
    focus: highContrast
      ? variable('--vscode-contrastActiveBorder', '--vscode-focusBorder', '--vscode-foreground')
      : variable('--vscode-focusBorder', '--vscode-foreground'),
    focusInner: highContrast
      ? variable('--vscode-editor-background', '--vscode-contrastBorder')
      : variable('--vscode-editor-background', '--vscode-editorWidget-background'),
    highContrast,
    font: `${tickSize}px ${family}`,
    fontSize: tickSize,
  };
}

/**
 * Calls `onChange` when VS Code switches theme: it rewrites the body's classes and the root element's
 * style (where the `--vscode-*` variables live). Returns the disposer.
 */
export function watchTheme(doc: Document, onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(doc.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  if (doc.body) observer.observe(doc.body, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}
