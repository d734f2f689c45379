/**
 * The standalone HTML report's script: reads the report embedded in the page (a JSON script
 * element), follows the system's light, dark or high-contrast preference with VS Code's theme
 * variables, keeps the UI state in the address's fragment (so a link opens the same view), and
 * saves exports as downloads.
 */
import '../../media/standalone.css';
import { describeError, toErrorValue } from '../../src/core/errors';
import { reportFromJson } from '../../src/core/report/read';
import { el } from '../shared/dom';
import { renderReport } from './reportView';
import type { ExportRequest, ReportUiState } from './types';

const TYPES = { png: 'image/png', csv: 'text/csv', json: 'application/json', html: 'text/html' } as const;

function followTheme(): void {
  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  const contrast = window.matchMedia('(prefers-contrast: more)');
  const apply = (): void => {
    const kind = contrast.matches
      ? dark.matches
        ? 'vscode-high-contrast'
        : 'vscode-high-contrast-light'
      : dark.matches
        ? 'vscode-dark'
        : 'vscode-light';
    document.body.classList.remove(
      'vscode-light',
      'vscode-dark',
      'vscode-high-contrast',
      'vscode-high-contrast-light',
    );
    document.body.classList.add(kind);
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
  return {
    view: params.get('view') ?? undefined,
    layer: params.get('layer') ?? undefined,
    sample: sample === null ? undefined : Number(sample),
    maps: params.get('maps') ?? undefined,
  };
}

function saveHash(state: ReportUiState): void {
  const params = new URLSearchParams({
    view: state.view,
    layer: state.layer,
    sample: String(state.sample),
    maps: state.maps,
  });
  history.replaceState(null, '', `#${params.toString()}`);
}

function main(): void {
  followTheme();
  const app = document.getElementById('app')!;
  const json = document.getElementById('moe-scope-report')?.textContent ?? '';
  try {
    const report = reportFromJson(json);
    renderReport(app, report, {
      state: stateFromHash(),
      onState: saveHash,
      reportExports: ['json'],
      onExport: (request) => download(request, json),
    });
  } catch (error) {
    app.replaceChildren(el('p', { class: 'error', role: 'alert' }, describeError(toErrorValue(error))));
  }
  document.body.dataset.ready = 'true';
}

main();
