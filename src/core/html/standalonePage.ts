/**
 * One self-contained HTML page that opens offline in any browser, with no VS Code and no network:
 * a bundled script and style inlined, the data as JSON in a non-executing
 * `<script type="application/json">`, under a strict Content-Security-Policy (nothing loads from
 * anywhere; the one inline script and style run only by a nonce made for this page). The report
 * and the comparison pages are both built here.
 */

export interface PageAssets {
  /** The views' bundled script. */
  script: string;
  /** Their stylesheet. */
  style: string;
  /** The CSP nonce; a fresh random one by default. */
  nonce?: string;
}

export interface PageContent {
  title: string;
  /** "name version" of the tool that wrote the page. */
  generator: string;
  /** The id of the JSON data element the page's script reads. */
  dataId: string;
  json: string;
  /** What the page shows, for its loading and no-script lines ("report", "comparison"). */
  what: string;
}

/** 18 random bytes, base64: a nonce no page content can guess. */
export function randomNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Text as HTML character data (titles, attribute values). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON that cannot end its script element: every "<" becomes \u003c (still the same JSON), so
 * neither "</script>" nor "<!--" can appear in it. U+2028/U+2029 are escaped too, for readers that
 * treat the text as JavaScript.
 */
export function scriptSafeJson(json: string): string {
  return json
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Code ready to inline: it cannot close its own element ("</script" and "</style" are written with
 * an escaped "/"), and its source-map comment is dropped (the map is not in the page, and the
 * policy would refuse to fetch it).
 */
export function inlineCode(code: string, tag: 'script' | 'style'): string {
  const closing = new RegExp(`</(${tag})`, 'gi');
  return code
    .replace(/\n?(\/\/# sourceMappingURL=\S*|\/\*# sourceMappingURL=[^*]*\*\/)\s*$/, '\n')
    .replace(closing, tag === 'script' ? '<\\/$1' : '<\\2f $1');
}

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    'img-src data: blob:',
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The whole page. */
export function standalonePage(content: PageContent, assets: PageAssets): string {
  const nonce = assets.nonce ?? randomNonce();
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(nonce))
    throw new RangeError('the CSP nonce must be 16+ base64 characters');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(nonce)}" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <meta name="generator" content="${escapeHtml(content.generator)}" />
    <title>${escapeHtml(content.title)}</title>
    <style nonce="${nonce}">
${inlineCode(assets.style, 'style')}
    </style>
  </head>
  <body>
    <main id="app" aria-live="polite"><p>Loading the ${content.what}…</p></main>
    <noscript><p>This MoE Scope ${content.what} needs JavaScript to draw its views.</p></noscript>
    <script type="application/json" id="${content.dataId}">${scriptSafeJson(content.json)}</script>
    <script nonce="${nonce}">
${inlineCode(assets.script, 'script')}
    </script>
  </body>
</html>
`;
}
