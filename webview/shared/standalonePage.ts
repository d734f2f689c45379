/**
 * What the standalone HTML pages (report and comparison) share: VS Code's theme classes chosen
 * from the system's light / dark / high-contrast preference (the theme variables in
 * media/standalone.css key on them), exports saved as downloads, and the UI state kept in the
 * address's fragment so a link opens the same view.
 */
import type { ExportRequest } from '../report/types';
import { el } from './dom';

const TYPES = { png: 'image/png', csv: 'text/csv', json: 'application/json', html: 'text/html' } as const;
const THEMES = ['vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light'];

/** Keeps the body's theme class in step with the system preference. */
export function followSystemTheme(): void {
  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  const contrast = window.matchMedia('(prefers-contrast: more)');
  const apply = (): void => {
    const high = dark.matches ? 'vscode-high-contrast' : 'vscode-high-contrast-light';
    const kind = contrast.matches ? high : dark.matches ? 'vscode-dark' : 'vscode-light';
    document.body.classList.remove(...THEMES);
    document.body.classList.add(kind);
  };
  apply();
  dark.addEventListener('change', apply);
  contrast.addEventListener('change', apply);
}

/** Saves an export as a download; a JSON export saves the page's own embedded JSON. */
export function downloadExport(request: ExportRequest, embeddedJson: string): void {
  const data = request.format === 'json' ? embeddedJson : request.data;
  if (data === undefined) return;
  const part: BlobPart = typeof data === 'string' ? data : new Uint8Array(data);
  const url = URL.createObjectURL(new Blob([part], { type: TYPES[request.format] }));
  const link = el('a', { href: url, download: request.fileName });
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; a later revoke frees the blob.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The named fields of the address's fragment; `sample` as a number. */
export function stateFromHash(keys: readonly string[]): Record<string, unknown> {
  const params = new URLSearchParams(location.hash.slice(1));
  const state: Record<string, unknown> = {};
  for (const key of keys) {
    const value = params.get(key);
    if (value !== null) state[key] = key === 'sample' ? Number(value) : value;
  }
  return state;
}

/** Writes the named fields into the address's fragment without adding a history entry. */
export function saveHash(state: object, keys: readonly string[]): void {
  const values = state as Record<string, unknown>;
  const params = new URLSearchParams(keys.map((key) => [key, String(values[key])]));
  history.replaceState(null, '', `#${params.toString()}`);
}
