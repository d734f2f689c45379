/**
 * The standalone comparison page's script (`moe-scope compare --html`): reads the comparison
 * embedded in the page, follows the system's light, dark or high-contrast preference with VS Code's
 * theme variables, keeps the selection in the address's fragment and saves exports as downloads.
 */
import '../../media/standalone.css';
import '../../media/compare.css';
import { describeError, toErrorValue } from '../../src/core/errors';
import { el } from '../shared/dom';
import { downloadExport, followSystemTheme, saveHash, stateFromHash } from '../shared/standalonePage';
import { renderComparison } from './compareView';
import { comparisonFromJson } from '../../src/core/compare/read';
import type { CompareUiState } from './state';

const HASH_KEYS = ['layer', 'sample'] as const;

function main(): void {
  followSystemTheme();
  const app = document.getElementById('app')!;
  const json = document.getElementById('moe-scope-comparison')?.textContent ?? '';
  try {
    renderComparison(app, comparisonFromJson(json), {
      state: stateFromHash(HASH_KEYS),
      onState: (state: CompareUiState) => saveHash(state, HASH_KEYS),
      onExport: (request) => downloadExport(request, json),
    });
  } catch (error) {
    app.replaceChildren(el('p', { class: 'error', role: 'alert' }, describeError(toErrorValue(error))));
  }
  document.body.dataset.ready = 'true';
}

main();
