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
import { downloadExport, followSystemTheme, saveHash, stateFromHash } from '../shared/standalonePage';
import { renderReport } from './reportView';
import type { ReportUiState } from './types';

const HASH_KEYS = ['view', 'layer', 'sample', 'maps'] as const;

function main(): void {
  followSystemTheme();
  const app = document.getElementById('app')!;
  const json = document.getElementById('moe-scope-report')?.textContent ?? '';
  try {
    const report = reportFromJson(json);
    renderReport(app, report, {
      state: stateFromHash(HASH_KEYS),
      onState: (state: ReportUiState) => saveHash(state, HASH_KEYS),
      reportExports: ['json'],
      onExport: (request) => downloadExport(request, json),
    });
  } catch (error) {
    app.replaceChildren(el('p', { class: 'error', role: 'alert' }, describeError(toErrorValue(error))));
  }
  document.body.dataset.ready = 'true';
}

main();
