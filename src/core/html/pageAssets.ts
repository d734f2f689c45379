/** The webview bundle's files a standalone page inlines, read from disk (CLI and extension alike). */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MoeScopeError } from '../errors';

/**
 * Reads a page's bundled script and style (`<name>.js`, `<name>.css`) from the webview bundle; a
 * missing script means MoE Scope was never built, and the error says so.
 */
export async function readPageAssets(
  bundleDir: string,
  name: string,
  what: string,
): Promise<{ script: string; style: string }> {
  const scriptPath = join(bundleDir, `${name}.js`);
  if (!existsSync(scriptPath)) {
    throw new MoeScopeError(
      'FILE_NOT_FOUND',
      `The ${what}' script is missing (${scriptPath}).`,
      'Build MoE Scope first: npm run build.',
    );
  }
  const [script, style] = await Promise.all([
    readFile(scriptPath, 'utf8'),
    readFile(join(bundleDir, `${name}.css`), 'utf8').catch(() => ''),
  ]);
  return { script, style };
}
