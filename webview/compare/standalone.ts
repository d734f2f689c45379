/**
 * The standalone comparison page's script (`moe-scope compare --html`): reads the comparison
 * embedded in the page, follows the system's light, dark or high-contrast preference with VS Code's
 * theme variables, keeps the selection in the address's fragment and saves exports as downloads.
 */
import '../../media/standalone.css';
import '../../media/compare.css';
import { describeError, toErrorValue } from '../../src/core/errors';
import { el } from '../shared/dom';
import type { ExportRequest } from '../report/types';
import { renderComparison } from './compareView';
import { comparisonFromJson } from './readComparison';
import type { CompareUiState } from './state';

const TYPES = { png: 'image/png', csv: 'text/csv', json: 'application/json', html: 'text/html' } as const;
const THEMES = ['vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light'];

function followTheme(): void {
  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  const contrast = window.matchMedia('(prefers-contrast: more)');
  const apply = (): void => {
    const name = contrast.matches
      ? dark.matches
        ? 'vscode-high-contrast'
        : 'vscode-high-contrast-light'
      : dark.matches
        ? 'vscode-dark'
        : 'vscode-light';
    document.body.classList.remove(...THEMES);
    document.body.classList.add(name);
  };
  apply();
  dark.addEventListener('change', apply);
  contrast.addEventListener('change', apply);
}

function download(request: ExportRequest, json: string): void {
  const data = request.format === 'json' ? json : request.data;
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

function stateFromHash(): Record<string, unknown> {
  const params = new URLSearchParams(location.hash.slice(1));
  const sample = params.get('sample');
  return { layer: params.get('layer') ?? undefined, sample: sample === null ? undefined : Number(sample) };
}

function saveHash(state: CompareUiState): void {
  const params = new URLSearchParams({ layer: state.layer, sample: String(state.sample) });
  history.replaceState(null, '', `#${params.toString()}`);
}

function main(): void {
  followTheme();
  const app = document.getElementById('app')!;
  const json = document.getElementById('moe-scope-comparison')?.textContent ?? '';
  try {
    renderComparison(app, comparisonFromJson(json), {
      state: stateFromHash(),
      onState: saveHash,
      onExport: (request) => download(request, json),
    });
  } catch (error) {
    app.replaceChildren(el('p', { class: 'error', role: 'alert' }, describeError(toErrorValue(error))));
  }
  document.body.dataset.ready = 'true';
}

main();
