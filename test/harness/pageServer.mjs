// MoE Scope's webview code on plain test pages (test/browser/pages), outside VS Code: bundled with
// esbuild into a scratch folder and served from 127.0.0.1 under the webview's script and style
// policy, so the views run under the same rules as in the panel. The heatmap and report-view suites
// share it; each page exposes one global object that `pageApi` calls.
//
// Plain ESM that the browser suites bundle (as CommonJS): no import.meta, no top-level await.
import { copyFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { basename, extname, join } from 'node:path';
import { URL } from 'node:url';
import { captureConsole } from './chromium.mjs';
import { repoRoot, scratchDir } from './support.mjs';

export const PAGES_DIR = join(repoRoot, 'test', 'browser', 'pages');

// The webview's policy, minus the nonce: scripts and styles only from the page's own origin.
export const PAGE_POLICY =
  "default-src 'none'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'";

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** Serves the files of `dir` (no subfolders) on 127.0.0.1 at a free port, each under PAGE_POLICY. */
async function serve(dir, index) {
  const server = createServer((request, response) => {
    const name = new URL(request.url ?? '/', 'http://127.0.0.1').pathname.slice(1) || index;
    if (name === 'favicon.ico') return void response.writeHead(204).end();
    try {
      const body = readFileSync(join(dir, name.replace(/[^\w.-]/g, '')));
      response.writeHead(200, {
        'Content-Type': TYPES[extname(name)] ?? 'application/octet-stream',
        'Content-Security-Policy': PAGE_POLICY,
      });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/${index}` };
}

/**
 * Builds a test site in a scratch folder and serves it: `bundles` (output name → entry .ts file)
 * bundled as the classic scripts a webview loads, `files` copied beside them. Resolves with the URL
 * of `index`; `close()` stops the server and removes the folder.
 */
export async function startPageSite({ prefix, index, bundles, files = [] }) {
  const site = scratchDir(prefix);
  try {
    // esbuild's JS API finds its native binary relative to its own files, so it must not be bundled
    // into the suites (the test build bundles everything but mocha and playwright-core): load it at
    // run time.
    const esbuild = createRequire(join(repoRoot, 'package.json'))('esbuild');
    await esbuild.build({
      entryPoints: bundles,
      bundle: true,
      format: 'iife',
      target: 'chrome120',
      outdir: site.path,
      logLevel: 'warning',
    });
    for (const file of files) copyFileSync(file, join(site.path, basename(file)));
    const { server, url } = await serve(site.path, index);
    return {
      url,
      async close() {
        await new Promise((resolve) => server.close(resolve));
        site.dispose();
      },
    };
  } catch (error) {
    site.dispose();
    throw error;
  }
}

/**
 * Opens a test page in a new tab with its console recorded into `log`, and resolves once the page
 * has set body[data-ready="true"]: its script ran and its global API is there to call.
 */
export async function openTestPage(browser, url, log, options = {}) {
  const page = await browser.newPage(options);
  captureConsole(page, log);
  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
  return page;
}

/**
 * A caller of `window[global][method](...args)` in a test page, typed by the page's API interface
 * (see the .d.mts): one helper for every page global instead of one per suite and page.
 */
export function pageApi(global) {
  return (page, method, ...args) =>
    page.evaluate(([name, key, list]) => globalThis[name][key](...list), [global, method, args]);
}
