/**
 * `moe-scope analyze --html OUT.html`: writes the standalone HTML report. The views' script and
 * style come from the webview bundle next to the CLI's own (dist/cli.js → dist/webview/report.js
 * and report.css), the same files the extension inlines for its "HTML report" export.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readPageAssets } from '../core/html/pageAssets';
import { standaloneHtml } from '../core/report/html';
import type { Report } from '../core/report/types';

/** Where the report views' bundle lies, relative to the running CLI bundle. */
export function webviewBundleDir(cliDir: string = __dirname): string {
  return join(cliDir, 'webview');
}

export async function writeHtmlReport(
  report: Report,
  outPath: string,
  bundleDir = webviewBundleDir(),
): Promise<void> {
  const assets = await readPageAssets(bundleDir, 'report', 'report views');
  await writeFile(outPath, standaloneHtml(report, assets));
}
