/**
 * What of a JSON or YAML config the linker needs: each key with its key path (nested keys and
 * list indices, outermost first) and each short string value, with where they are.
 */
// The ES module build: the package's default UMD build requires its parts dynamically, which a bundle cannot follow.
import { parseTree, type Node as JsonNode } from 'jsonc-parser/lib/esm/main.js';
import { isMap, isScalar, isSeq, parseAllDocuments, type Node as YamlNode } from 'yaml';
import type { Anchor } from './types';

export interface ConfigKey {
  path: string[];
  anchor: Anchor;
}

export interface ConfigString {
  value: string;
  anchor: Anchor;
}

export interface ConfigIndex {
  keys: ConfigKey[];
  strings: ConfigString[];
}

const MAX_NAME_LITERAL = 200;

/** Turns UTF-16 offsets into line/column anchors. */
class Lines {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  anchor(offset: number, length: number): Anchor {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const start = offset - this.starts[lo]!;
    return { line: lo, start, end: start + length };
  }
}

function isName(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME_LITERAL && !/\s/.test(value)
  );
}

/** Indexes JSON (comments and trailing commas allowed); a broken document indexes what parses. */
export function indexJson(text: string): ConfigIndex {
  const index: ConfigIndex = { keys: [], strings: [] };
  const lines = new Lines(text);
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  // Quotes are not part of the name: anchor the text between them.
  const inner = (node: JsonNode) => lines.anchor(node.offset + 1, Math.max(0, node.length - 2));
  const walk = (node: JsonNode | undefined, path: string[]): void => {
    if (!node) return;
    if (node.type === 'object') {
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (!key || typeof key.value !== 'string') continue;
        const keyPath = [...path, key.value];
        index.keys.push({ path: keyPath, anchor: inner(key) });
        walk(value, keyPath);
      }
    } else if (node.type === 'array') {
      (node.children ?? []).forEach((child, i) => walk(child, [...path, String(i)]));
    } else if (node.type === 'string' && isName(node.value)) {
      index.strings.push({ value: node.value, anchor: inner(node) });
    }
  };
  walk(root, []);
  return index;
}

/** Indexes every document of a YAML stream; a broken document indexes what parses. */
export function indexYaml(text: string): ConfigIndex {
  const index: ConfigIndex = { keys: [], strings: [] };
  const lines = new Lines(text);
  const scalarAnchor = (node: YamlNode) => {
    const [start, end] = node.range ?? [0, 0];
    // Quoted scalars: anchor the text between the quotes.
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
    return quoted ? lines.anchor(start + 1, Math.max(0, end - start - 2)) : lines.anchor(start, end - start);
  };
  const walk = (node: unknown, path: string[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key;
        if (!isScalar(key) || (typeof key.value !== 'string' && typeof key.value !== 'number')) continue;
        const keyPath = [...path, String(key.value)];
        index.keys.push({ path: keyPath, anchor: scalarAnchor(key) });
        walk(pair.value, keyPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, String(i)]));
    } else if (isScalar(node) && isName(node.value)) {
      index.strings.push({ value: node.value, anchor: scalarAnchor(node) });
    }
  };
  for (const document of parseAllDocuments(text)) {
    if ('contents' in document) walk(document.contents, []);
  }
  return index;
}
