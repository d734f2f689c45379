/**
 * The standalone comparison page (`moe-scope compare --html`): one self-contained file that opens
 * offline in any browser. It carries the compare views' script and style (the bundle
 * dist/webview/compare-report.js and compare-report.css, the code the VS Code panel draws with)
 * and the comparison as JSON in a non-executing `<script type="application/json">`, under the same
 * strict policy as the single-report page: nothing loads from anywhere, and the one inline script
 * and style run only by a nonce made for this page.
 */
import { contentSecurityPolicy, escapeHtml, randomNonce, scriptSafeJson } from '../report/html';
import { comparisonToJson } from './json';
import type { CompareResult } from './types';

export interface ComparePageAssets {
  /** The compare views' bundled script (dist/webview/compare-report.js). */
  script: string;
  /** Their stylesheet (dist/webview/compare-report.css). */
  style: string;
  /** The CSP nonce; a fresh random one by default. */
  nonce?: string;
}

/**
 * Code ready to inline: it cannot end its own element ("</script" and "</style" lose their
 * meaning through an escaped "/"), and its source-map comment goes (the map is not in the page,
 * and the policy would refuse to fetch it).
 */
export function inlineCode(code: string, tag: 'script' | 'style'): string {
  const closing = new RegExp(`</(${tag})`, 'gi');
  return code
    .replace(/\n?(\/\/# sourceMappingURL=\S*|\/\*# sourceMappingURL=[^*]*\*\/)\s*$/, '\n')
    .replace(closing, tag === 'script' ? '<\\/$1' : '<\\2f $1');
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/** The whole page. */
export function comparisonHtml(result: CompareResult, assets: ComparePageAssets): string {
  const nonce = assets.nonce ?? randomNonce();
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(nonce))
    throw new RangeError('the CSP nonce must be 16+ base64 characters');
  const { a, b } = result.comparison;
  const title = escapeHtml(`MoE Scope: ${fileName(a.path)} ↔ ${fileName(b.path)}`);
  const tool = result.a.tool;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(nonce)}" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <meta name="generator" content="${escapeHtml(`${tool.name} ${tool.version}`)}" />
    <title>${title}</title>
    <style nonce="${nonce}">
${inlineCode(assets.style, 'style')}
    </style>
  </head>
  <body>
    <main id="app" aria-live="polite"><p>Loading the comparison…</p></main>
    <noscript><p>This MoE Scope comparison needs JavaScript to draw its views.</p></noscript>
    <script type="application/json" id="moe-scope-comparison">${scriptSafeJson(comparisonToJson(result, 0))}</script>
    <script nonce="${nonce}">
${inlineCode(assets.script, 'script')}
    </script>
  </body>
</html>
`;
}
