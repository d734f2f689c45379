/** What the linker tests share: the real Python parser and the workspace fixtures' text. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPythonParser, type PythonParser } from '../../../src/core/link/pythonParser';
import { REPO_ROOT } from '../../support/fixtures';

export const WORKSPACE_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'workspace');

/** The parser from the installed packages (the build copies the same files into dist/). */
export function pythonParser(): Promise<PythonParser> {
  return loadPythonParser({
    runtime: join(REPO_ROOT, 'node_modules', 'web-tree-sitter', 'web-tree-sitter.wasm'),
    python: join(REPO_ROOT, 'node_modules', 'tree-sitter-python', 'tree-sitter-python.wasm'),
  });
}

export function fixtureText(name: string): string {
  return readFileSync(join(WORKSPACE_FIXTURES, name), 'utf8');
}

/** Zero-based line and column of the `occurrence`-th `needle` in `text`, plus `offset` columns. */
export function positionOf(text: string, needle: string, offset = 0, occurrence = 0) {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" (#${occurrence}) is not in the text`);
  }
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  const column = at - (before.lastIndexOf('\n') + 1) + offset;
  return { line, column };
}
