/**
 * The standalone comparison page (`moe-scope compare --html`): the compare views' bundle
 * (dist/webview/compare-report.js and compare-report.css, the code the VS Code panel draws with)
 * and the comparison as JSON in one page that opens offline in any browser (see core/html).
 */
import { type PageAssets, standalonePage } from '../html/standalonePage';
import { comparisonToJson } from './json';
import type { CompareResult } from './types';

export { inlineCode } from '../html/standalonePage';
export type ComparePageAssets = PageAssets;

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/** The whole page. */
export function comparisonHtml(result: CompareResult, assets: ComparePageAssets): string {
  const { a, b } = result.comparison;
  const tool = result.a.tool;
  return standalonePage(
    {
      title: `MoE Scope: ${fileName(a.path)} ↔ ${fileName(b.path)}`,
      generator: `${tool.name} ${tool.version}`,
      dataId: 'moe-scope-comparison',
      json: comparisonToJson(result, 0),
      what: 'comparison',
    },
    assets,
  );
}
