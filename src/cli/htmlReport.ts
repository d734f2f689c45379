/**
 * `moe-scope analyze --html OUT.html`: writes the standalone HTML report. The views' script and
 * style come from the webview bundle next to the CLI's own (dist/cli.js → dist/webview/report.js
 * and report.css), the same files the extension inlines for its "HTML report" export.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MoeScopeError } from '../core/errors';
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
  const scriptPath = join(bundleDir, 'report.js');
  if (!existsSync(scriptPath)) {
    throw new MoeScopeError(
      'FILE_NOT_FOUND',
      `The report views' script is missing (${scriptPath}).`,
      'Build MoE Scope first: npm run build.',
    );
  }
  const [script, style] = await Promise.all([
    readFile(scriptPath, 'utf8'),
    readFile(join(bundleDir, 'report.css'), 'utf8').catch(() => ''),
  ]);
  await writeFile(outPath, standaloneHtml(report, { script, style }));
}
