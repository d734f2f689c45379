/**
 * Python parsing with tree-sitter's WebAssembly runtime and its Python grammar: no native code, so
 * the same parser runs in the extension host, the CLI and tests. Both .wasm files are shipped in
 * dist/ beside the bundle; callers say where they are.
 */
import { join } from 'node:path';
import { Language, Parser, Query } from 'web-tree-sitter';
import { indexPythonTree, PYTHON_QUERY, type PythonIndex } from './pythonIndex';

export const RUNTIME_WASM = 'web-tree-sitter.wasm';
export const PYTHON_WASM = 'tree-sitter-python.wasm';

export interface PythonParser {
  /** Parses Python source and indexes its classes, module attributes and name literals. */
  index(text: string): PythonIndex;
  dispose(): void;
}

/** Paths of the tree-sitter runtime and the Python grammar. */
export interface ParserWasm {
  runtime: string;
  python: string;
}

/** Both files in one folder, as the build puts them in dist/. */
export function wasmIn(dir: string): ParserWasm {
  return { runtime: join(dir, RUNTIME_WASM), python: join(dir, PYTHON_WASM) };
}

// The runtime is one WebAssembly instance per process: initialise it once.
let language: Promise<Language> | undefined;

function loadLanguage(wasm: ParserWasm): Promise<Language> {
  language ??= Parser.init({ locateFile: () => wasm.runtime })
    .then(() => Language.load(wasm.python))
    .catch((error: unknown) => {
      language = undefined; // Let a later call try again (e.g. after a rebuild put the files back).
      throw new Error(`The Python parser could not load (${wasm.python}): ${(error as Error).message}`);
    });
  return language;
}

/** Loads the runtime and grammar (once per process) and returns a parser. */
export async function loadPythonParser(wasm: ParserWasm): Promise<PythonParser> {
  const python = await loadLanguage(wasm);
  const parser = new Parser();
  parser.setLanguage(python);
  const query = new Query(python, PYTHON_QUERY);
  return {
    index(text: string): PythonIndex {
      const tree = parser.parse(text);
      if (!tree) return { classes: [], attributes: [], strings: [] };
      try {
        return indexPythonTree(tree, query);
      } finally {
        tree.delete(); // Trees live in WebAssembly memory, outside the garbage collector.
      }
    },
    dispose: () => {
      query.delete();
      parser.delete();
    },
  };
}
