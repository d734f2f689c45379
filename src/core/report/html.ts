/**
 * The standalone HTML report: the report views' bundle (dist/webview/report.js and report.css)
 * and the report as JSON in one page that opens offline in any browser (see core/html).
 */
import { type PageAssets, standalonePage } from '../html/standalonePage';
import { reportToJson } from './json';
import type { Report } from './types';

export { contentSecurityPolicy, escapeHtml, randomNonce, scriptSafeJson } from '../html/standalonePage';
export type StandaloneAssets = PageAssets;

/** The whole page. */
export function standaloneHtml(report: Report, assets: StandaloneAssets): string {
  const name = report.model.path.split(/[\\/]/).pop() || report.model.path;
  return standalonePage(
    {
      title: `MoE Scope: ${name}`,
      generator: `${report.tool.name} ${report.tool.version}`,
      dataId: 'moe-scope-report',
      json: reportToJson(report, 0),
      what: 'report',
    },
    assets,
  );
}
