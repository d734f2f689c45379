/**
 * Links a Python file to a report's layers. A layer id is a module path (`blocks.2.mixer`); the
 * linker finds the attribute assignment that creates the last segment (`self.mixer = …`) and
 * climbs the path through the file's classes: `blocks.2` is element 2 of a container attribute
 * `blocks` whose elements are instances of the class that assigns `mixer`. A chain that reaches
 * the path's first segment is a full match; one that stops early (the parent model is in another
 * file) counts the segments it matched. Each layer keeps its best attribute links, plus the
 * containers on the way and the class of the module. String literals holding the id or an ONNX
 * node name of the layer, and the exporter's own file:line, are links of their own.
 */
import { isIndexSegment, layerSegments, namesLayer, sourceFileMatch } from './layerPath';
import type { PyAttribute, PythonIndex } from './pythonIndex';
import type { Anchor, LayerLink, LinkTarget } from './types';

export const SCORE = {
  /** The exporter recorded this line: nothing is more certain. */
  source: 10_000,
  /** A literal naming the layer exactly. */
  string: 5_000,
  /** A chain of attributes that reaches the root of the module path. */
  fullPath: 1_000,
  perSegment: 10,
} as const;

interface Chain {
  matched: number;
  full: boolean;
  /** Attributes whose class was confirmed by the type of the value (not just the name). */
  typed: number;
  /** The container and parent attributes climbed through, innermost first. */
  via: PyAttribute[];
}

function better(a: Chain, b: Chain): Chain {
  if (a.full !== b.full) return a.full ? a : b;
  if (a.matched !== b.matched) return a.matched > b.matched ? a : b;
  return a.typed >= b.typed ? a : b;
}

function byName(index: PythonIndex): Map<string, PyAttribute[]> {
  const map = new Map<string, PyAttribute[]>();
  for (const attribute of index.attributes) {
    const list = map.get(attribute.name);
    if (list) list.push(attribute);
    else map.set(attribute.name, [attribute]);
  }
  return map;
}

/**
 * Climbs `segments[0..pos]` from a module of class `owner`. A parent attribute qualifies when its
 * value is built from `owner` (or for an index segment, its elements are); one whose value the
 * file does not show (`nn.ModuleList(layers)`) qualifies too, counted as untyped.
 */
function climb(
  attributes: Map<string, PyAttribute[]>,
  segments: string[],
  owner: string | undefined,
  pos: number,
  found: Chain,
): Chain {
  if (pos < 0) return { ...found, full: true };
  if (owner === undefined) return found;
  const indexed = isIndexSegment(segments[pos]!);
  const parentName = indexed ? segments[pos - 1] : segments[pos];
  if (parentName === undefined) return found;
  let best = found;
  for (const parent of attributes.get(parentName) ?? []) {
    if (indexed && !parent.container) continue;
    const types = indexed ? parent.elementTypes : parent.types;
    const typed = types.includes(owner);
    if (!typed && types.length > 0) continue;
    const step = indexed ? 2 : 1;
    const chain = climb(attributes, segments, parent.owner, pos - step, {
      matched: found.matched + step,
      full: false,
      typed: found.typed + (typed ? 1 : 0),
      via: [...found.via, parent],
    });
    best = better(best, chain);
  }
  return best;
}

function chainScore(chain: Chain): number {
  return (chain.full ? SCORE.fullPath : 0) + chain.matched * SCORE.perSegment + chain.typed;
}

/** The anchor of a whole source line, without its indentation. */
function lineAnchor(lines: readonly string[], line: number): Anchor | undefined {
  const text = lines[line];
  if (text === undefined) return undefined;
  const start = text.length - text.trimStart().length;
  return { line, start, end: Math.max(start, text.trimEnd().length) };
}

function linkTarget(
  index: PythonIndex,
  attributes: Map<string, PyAttribute[]>,
  target: LinkTarget,
  documentPath: string,
  lines: readonly string[],
): LayerLink[] {
  const links: LayerLink[] = [];
  const layerId = target.id;
  if (target.source && sourceFileMatch(documentPath, target.source.file) > 0) {
    const anchor = lineAnchor(lines, target.source.line - 1);
    if (anchor) links.push({ anchor, layerId, kind: 'source', score: SCORE.source });
  }
  for (const literal of index.strings) {
    if (namesLayer(literal.value, target)) {
      links.push({ anchor: literal.anchor, layerId, kind: 'string', score: SCORE.string });
    }
  }

  const segments = layerSegments(layerId);
  const leaf = segments[segments.length - 1];
  if (leaf === undefined || isIndexSegment(leaf)) return links;
  const scored = (attributes.get(leaf) ?? []).map((attribute) => {
    const chain = climb(attributes, segments, attribute.owner, segments.length - 2, {
      matched: 1,
      full: false,
      typed: 0,
      via: [],
    });
    return { attribute, chain, score: chainScore(chain) };
  });
  const top = Math.max(...scored.map((s) => s.score));
  const classes = new Map(index.classes.map((c) => [c.name, c]));
  for (const { attribute, chain, score } of scored) {
    if (score !== top) continue;
    links.push({ anchor: attribute.anchor, layerId, kind: 'attribute', score });
    for (const parent of chain.via) {
      links.push({ anchor: parent.anchor, layerId, kind: 'container', score: score - SCORE.perSegment });
    }
    // `SoftMoE(d) if moe else Mlp(d)` could be either class: link a class only when it is certain.
    const definition = attribute.types.length === 1 ? classes.get(attribute.types[0]!) : undefined;
    if (definition) links.push({ anchor: definition.anchor, layerId, kind: 'class', score: score - 1 });
  }
  return links;
}

/** Every link from the Python file at `documentPath` (its `index` and text `lines`) to `targets`. */
export function linkPython(
  index: PythonIndex,
  targets: readonly LinkTarget[],
  documentPath: string,
  lines: readonly string[],
): LayerLink[] {
  const attributes = byName(index);
  return targets.flatMap((target) => linkTarget(index, attributes, target, documentPath, lines));
}
