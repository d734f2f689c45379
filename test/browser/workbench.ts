/**
 * What the workbench suites (analyzePanel, compare, hover) share: code-server with MoE Scope on a
 * test workspace and Chromium on its workbench, and the gestures a person makes there (Quick Open,
 * the command palette, hovering heatmap cells, reading their pixels), so each suite states only what
 * it checks.
 */
import * as assert from 'node:assert/strict';
import type { Browser, Frame, FrameLocator, Locator, Page } from 'playwright-core';
import {
  BROWSER_RESULTS_DIR,
  captureConsole,
  launchChromium,
  LogTail,
  repoRoot,
  saveDiagnostics,
  saveDiagnosticsIfFailed,
  startCodeServer,
  waitForWorkbench,
} from '../harness/codeServer.mjs';

export type Rgba = [number, number, number, number];

export interface Workbench {
  page: Page;
  /** The webview panel in front: VS Code nests its document two frames deep. */
  webview: FrameLocator;
  /** For afterEach: saves a screenshot and the page and server logs when `test` failed. */
  saveIfFailed(test: { state?: string; title: string } | undefined): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts code-server with MoE Scope (this repository) on `folder` and opens its workbench in Chromium
 * at 1600 × 1000, resolving once the folder is open. `name` prefixes the diagnostics files. What it
 * started is closed again when it fails, so a suite's after() only has a Workbench to close.
 */
export async function openWorkbench(
  folder: string,
  name: string,
  options: { workspaceTrust?: boolean } = {},
): Promise<Workbench> {
  const pageLog = new LogTail(300);
  const server = await startCodeServer({ folder, extensionDevelopmentPath: repoRoot, ...options });
  let browser: Browser | undefined;
  try {
    const opened = await launchChromium();
    browser = opened;
    const page = await opened.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(60_000);
    captureConsole(page, pageLog);
    const tails = { page: pageLog, server: server.log };
    try {
      await page.goto(server.url);
      await waitForWorkbench(page);
    } catch (error) {
      await saveDiagnostics(page, BROWSER_RESULTS_DIR, `${name}-workbench-not-ready`, tails);
      throw error;
    }
    return {
      page,
      webview: page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame'),
      saveIfFailed: async (test) => void (await saveDiagnosticsIfFailed(test, page, name, tails)),
      close: async () => {
        await opened.close().catch(() => {});
        await server.stop();
      },
    };
  } catch (error) {
    await browser?.close().catch(() => {});
    await server.stop();
    throw error;
  }
}

/**
 * Registers the hooks every workbench suite ends with: afterEach saves a failed test's diagnostics,
 * after() closes the workbench and removes the workspace. `opened` returns what the suite's before()
 * has set up so far (nothing, when it failed early).
 */
export function tearDownWorkbench(
  opened: () => { workbench?: Workbench; workspace?: { dispose(): void } },
): void {
  afterEach(async function () {
    await opened().workbench?.saveIfFailed(this.currentTest);
  });
  after(async () => {
    const { workbench, workspace } = opened();
    await workbench?.close();
    workspace?.dispose();
  });
}

/** Opens a file by name through Quick Open and waits for its tab to be the active one. */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(fileName);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: fileName })
    .first()
    .waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: fileName }).waitFor({ state: 'visible' });
}

/**
 * Runs a command from the palette (F1) and waits for the palette to close. The extension's commands
 * join the palette a moment after the workbench looks ready, and an open palette does not pick them
 * up, so look again until it is there.
 */
export async function runFromPalette(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title });
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    try {
      await row.first().waitFor({ state: 'visible', timeout: 3_000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`"${title}" never appeared in the command palette`, { cause: error });
      }
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden' });
    }
  }
  await row.first().click();
  await input.waitFor({ state: 'hidden' });
}

/** An element's box in page pixels; fails the test when it is not laid out. */
export async function box(
  locator: Locator,
): Promise<{ x: number; y: number; width: number; height: number }> {
  const found = await locator.boundingBox();
  assert.ok(found, 'the element is laid out');
  return found;
}

/** The tooltip's lines after moving the pointer to a page point, or null when the point is on no cell. */
export async function hoverCell(
  page: Page,
  tooltip: Locator,
  x: number,
  y: number,
): Promise<string[] | null> {
  await page.mouse.move(x, y);
  if (!(await tooltip.isVisible())) return null;
  return (await tooltip.locator('div').allTextContents()).map((t) => t.trim());
}

/** Where `sampleCells` points: fractions of the canvas box across and down. */
export interface SamplePoints {
  xs: number[];
  ys: number[];
  /** Also require the same cell 3 px above and below (not only to the left and right). */
  vertical: boolean;
}

/**
 * Hovers points across a heatmap figure and returns, for each point away from cell edges (the same
 * tooltip 3 px to either side), the tooltip's lines and the canvas pixel under it: cells read the
 * way a person reads them, to be checked against the numbers the tooltip names.
 */
export async function sampleCells(
  page: Page,
  figure: Locator,
  points: SamplePoints,
): Promise<{ lines: string[]; pixel: Rgba }[]> {
  const canvas = figure.locator('canvas[role="application"]');
  const tooltip = figure.locator('.heatmap-tooltip');
  await figure.scrollIntoViewIfNeeded(); // The pointer can only hover what is on screen.
  const area = await box(canvas);
  const found: { lines: string[]; pixel: Rgba }[] = [];
  for (const fy of points.ys) {
    for (const fx of points.xs) {
      const x = Math.round(area.x + fx * area.width);
      const y = Math.round(area.y + fy * area.height);
      const lines = await hoverCell(page, tooltip, x, y);
      if (!lines) continue;
      const around: [number, number][] = [
        [x - 3, y],
        [x + 3, y],
        ...(points.vertical
          ? ([
              [x, y - 3],
              [x, y + 3],
            ] as [number, number][])
          : []),
      ];
      let inside = true;
      for (const [nx, ny] of around) {
        if ((await hoverCell(page, tooltip, nx, ny))?.join() !== lines.join()) inside = false;
      }
      if (!inside) continue;
      await page.mouse.move(x, y);
      found.push({ lines, pixel: await canvasPixel(canvas, x - area.x, y - area.y) });
    }
  }
  return found;
}

/** The pixel of a canvas at CSS point (x, y) of its box, read inside the webview. */
export function canvasPixel(canvas: Locator, x: number, y: number): Promise<Rgba> {
  return canvas.evaluate(
    (element, [px, py]) => {
      const c = element as unknown as {
        getContext(kind: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: number[] };
        };
        ownerDocument: { defaultView: { devicePixelRatio: number } };
      };
      const dpr = c.ownerDocument.defaultView.devicePixelRatio || 1;
      const data = c.getContext('2d').getImageData(Math.floor(px! * dpr), Math.floor(py! * dpr), 1, 1).data;
      return [data[0], data[1], data[2], data[3]] as Rgba;
    },
    [x, y],
  );
}

/** The `script-src` sources of a Content-Security-Policy value; fails the test when there are none. */
export function scriptSources(policy: string): string[] {
  const directive = policy
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([name]) => name === 'script-src');
  assert.ok(directive, `the policy has a script-src directive: ${policy}`);
  return directive.slice(1);
}

/**
 * The webview document that shows `selector`, for when several are open (a model view beside an
 * analysis panel), where `Workbench.webview` would be ambiguous.
 */
export async function webviewWith(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      if (
        (await frame
          .locator(selector)
          .count()
          .catch(() => 0)) > 0
      )
        return frame;
    }
    if (Date.now() > deadline) throw new Error(`no webview shows ${selector} after ${timeoutMs} ms`);
    await page.waitForTimeout(250);
  }
}
