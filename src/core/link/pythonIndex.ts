/**
 * What of a Python file the linker needs, read from its tree-sitter syntax tree: the
 * classes, the module attributes their methods assign (`self.mixer = SoftMoE(...)`,
 * `setattr(self, name, module)`, `self.add_module(name, module)`) with the classes the values are
 * built from, and the short string literals (which may hold layer ids or ONNX node names).
 */
import type { Node, Query, Tree } from 'web-tree-sitter';
import type { Anchor } from './types';

export interface PyClass {
  name: string;
  anchor: Anchor;
}

export interface PyAttribute {
  /** The class whose method assigns it; undefined outside a class. */
  owner: string | undefined;
  name: string;
  /** The attribute name in `self.name = …`, or the name argument of setattr/add_module. */
  anchor: Anchor;
  /** Simple names of the classes the value is built from: `SoftMoE` for `SoftMoE(...)`. */
  types: string[];
  /** Whether the value is a module container (ModuleList, Sequential, a list…), indexed by position. */
  container: boolean;
  /** The classes of a container's elements. */
  elementTypes: string[];
}

export interface PyString {
  value: string;
  anchor: Anchor;
}

export interface PythonIndex {
  classes: PyClass[];
  attributes: PyAttribute[];
  strings: PyString[];
}

const CONTAINERS = new Set(['ModuleList', 'Sequential', 'ModuleDict', 'list', 'tuple']);
/** Longer literals are prose (docstrings, messages), never a layer or node name. */
const MAX_NAME_LITERAL = 200;

interface ValueInfo {
  types: string[];
  container: boolean;
  elementTypes: string[];
}

const UNKNOWN: ValueInfo = { types: [], container: false, elementTypes: [] };

function anchorOf(node: Node): Anchor {
  return { line: node.startPosition.row, start: node.startPosition.column, end: node.endPosition.column };
}

/** `nn.ModuleList` → `ModuleList`, `SoftMoE` → `SoftMoE`. */
function simpleName(node: Node | null): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') return node.childForFieldName('attribute')?.text;
  return undefined;
}

/** The text of a plain string literal (no interpolation), with the anchor of its content. */
export function stringLiteral(node: Node): PyString | undefined {
  if (node.type !== 'string') return undefined;
  const parts = node.namedChildren.filter(
    (c) => c !== null && c.type !== 'string_start' && c.type !== 'string_end',
  );
  if (parts.length === 0)
    return { value: '', anchor: { ...anchorOf(node), start: node.startPosition.column + 1 } };
  const [content] = parts;
  if (parts.length !== 1 || !content || content.type !== 'string_content') return undefined;
  if (content.startPosition.row !== content.endPosition.row) return undefined;
  return { value: content.text, anchor: anchorOf(content) };
}

function union(infos: ValueInfo[], pick: (v: ValueInfo) => string[]): string[] {
  return [...new Set(infos.flatMap(pick))];
}

/** The element classes of an iterable expression: a list, a comprehension, a generator. */
function elementsOf(node: Node | null): string[] {
  if (!node) return [];
  switch (node.type) {
    case 'list':
    case 'tuple':
      return union(
        node.namedChildren.flatMap((c) => (c ? [valueInfo(c)] : [])),
        (v) => v.types,
      );
    case 'list_comprehension':
    case 'generator_expression':
      return valueInfo(node.childForFieldName('body')).types;
    case 'binary_operator': // [Block()] * depth
      return elementsOf(node.childForFieldName('left'));
    case 'parenthesized_expression':
    case 'list_splat': // Sequential(*[Block() for _ in range(n)])
      return elementsOf(node.namedChild(0));
    case 'dictionary':
      return union(
        node.namedChildren.flatMap((pair) =>
          pair?.type === 'pair' ? [valueInfo(pair.childForFieldName('value'))] : [],
        ),
        (v) => v.types,
      );
    default:
      return [];
  }
}

/** The classes an expression builds, and for containers, the classes of their elements. */
function valueInfo(node: Node | null): ValueInfo {
  if (!node) return UNKNOWN;
  switch (node.type) {
    case 'call': {
      const callee = simpleName(node.childForFieldName('function'));
      if (!callee) return UNKNOWN;
      if (!CONTAINERS.has(callee)) return { types: [callee], container: false, elementTypes: [] };
      const args = node.childForFieldName('arguments');
      if (args?.type === 'generator_expression')
        return { types: [callee], container: true, elementTypes: elementsOf(args) };
      const positional = (args?.namedChildren ?? []).filter(
        (a): a is Node => a !== null && a.type !== 'keyword_argument' && a.type !== 'comment',
      );
      // Sequential(a, b, *more) lists its elements; ModuleList([...]) and list(...) take one iterable.
      const elementTypes = [
        ...new Set(
          positional.flatMap((a) =>
            callee === 'Sequential' && a.type !== 'list_splat' ? valueInfo(a).types : elementsOf(a),
          ),
        ),
      ];
      return { types: [callee], container: true, elementTypes };
    }
    case 'list':
    case 'tuple':
    case 'list_comprehension':
    case 'generator_expression':
    case 'binary_operator':
      return { types: [], container: true, elementTypes: elementsOf(node) };
    case 'conditional_expression': {
      // `A() if cond else B()`: the children are the two values around the condition.
      const [then, , otherwise] = node.namedChildren;
      const infos = [valueInfo(then ?? null), valueInfo(otherwise ?? null)];
      return {
        types: union(infos, (v) => v.types),
        container: infos.some((v) => v.container),
        elementTypes: union(infos, (v) => v.elementTypes),
      };
    }
    case 'parenthesized_expression':
      return valueInfo(node.namedChild(0));
    default:
      return UNKNOWN;
  }
}

/**
 * What the index reads, found by tree-sitter's query engine inside WebAssembly, so that only the
 * matching nodes (not every node of the file) become JavaScript objects.
 */
export const PYTHON_QUERY = `
(class_definition name: (identifier) @class)
(assignment
  left: (attribute object: (identifier) @self attribute: (identifier) @attribute)
  (#eq? @self "self")) @assignment
(call function: (identifier) @setattr (#eq? @setattr "setattr")) @call
(call
  function: (attribute object: (identifier) @self attribute: (identifier) @method)
  (#eq? @self "self")
  (#any-of? @method "add_module" "register_module")) @call
(string (string_content)) @string
`;

/** The nearest enclosing class and function of a node. */
function scopeOf(node: Node): { owner: string | undefined; fn: Node | undefined } {
  let fn: Node | undefined;
  for (let up = node.parent; up; up = up.parent) {
    if (up.type === 'function_definition') fn ??= up;
    else if (up.type === 'class_definition') return { owner: up.childForFieldName('name')?.text, fn };
  }
  return { owner: undefined, fn };
}

/** Parameters with a string default (`ffn_name="mlp"`): what a setattr name may hold. */
function parameterDefault(fn: Node | undefined, name: string): string | undefined {
  for (const p of fn?.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || (p.type !== 'default_parameter' && p.type !== 'typed_default_parameter')) continue;
    if (p.childForFieldName('name')?.text !== name) continue;
    const value = p.childForFieldName('value');
    return value ? stringLiteral(value)?.value : undefined;
  }
  return undefined;
}

function attributeOf(
  name: string,
  anchor: Anchor,
  owner: string | undefined,
  value: Node | null,
  annotation: Node | null,
): PyAttribute {
  const info = valueInfo(value);
  const annotated = simpleName(annotation);
  const types = annotated && !info.types.includes(annotated) ? [...info.types, annotated] : info.types;
  return { owner, name, anchor, ...info, types };
}

/** `self.mixer = SoftMoE(...)`, also `self.a = self.b = X()` and annotated `self.a: T = X()`. */
function fromAssignment(node: Node, attribute: Node): PyAttribute {
  let right = node.childForFieldName('right');
  while (right?.type === 'assignment') right = right.childForFieldName('right');
  return attributeOf(
    attribute.text,
    anchorOf(attribute),
    scopeOf(node).owner,
    right,
    node.childForFieldName('type'),
  );
}

/** setattr(self, name, module) and self.add_module(name, module) / self.register_module(…). */
function fromCall(node: Node): PyAttribute | undefined {
  const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (a): a is Node => a !== null && a.type !== 'comment',
  );
  const viaSetattr = node.childForFieldName('function')?.type === 'identifier';
  if (viaSetattr && args[0]?.text !== 'self') return undefined;
  const [nameArg, valueArg] = viaSetattr ? args.slice(1) : args;
  if (!nameArg) return undefined;
  const { owner, fn } = scopeOf(node);
  const literal = stringLiteral(nameArg);
  const name =
    literal?.value ?? (nameArg.type === 'identifier' ? parameterDefault(fn, nameArg.text) : undefined);
  if (name === undefined) return undefined;
  return attributeOf(name, literal?.anchor ?? anchorOf(nameArg), owner, valueArg ?? null, null);
}

function isNameLiteral(literal: PyString | undefined): literal is PyString {
  return (
    literal !== undefined &&
    literal.value.length > 0 &&
    literal.value.length <= MAX_NAME_LITERAL &&
    !/\s/.test(literal.value)
  );
}

const byPosition = (a: { anchor: Anchor }, b: { anchor: Anchor }) =>
  a.anchor.line - b.anchor.line || a.anchor.start - b.anchor.start;

/** Indexes a syntax tree with a query compiled from PYTHON_QUERY for its language. */
export function indexPythonTree(tree: Tree, query: Query): PythonIndex {
  const index: PythonIndex = { classes: [], attributes: [], strings: [] };
  for (const match of query.matches(tree.rootNode)) {
    const captures = new Map(match.captures.map((c) => [c.name, c.node]));
    const klass = captures.get('class');
    const assignment = captures.get('assignment');
    const call = captures.get('call');
    const string = captures.get('string');
    if (klass) {
      index.classes.push({ name: klass.text, anchor: anchorOf(klass) });
    } else if (assignment) {
      index.attributes.push(fromAssignment(assignment, captures.get('attribute')!));
    } else if (call) {
      const attribute = fromCall(call);
      if (attribute) index.attributes.push(attribute);
    } else if (string) {
      const literal = stringLiteral(string);
      if (isNameLiteral(literal)) index.strings.push(literal);
    }
  }
  index.classes.sort(byPosition);
  index.attributes.sort(byPosition);
  index.strings.sort(byPosition);
  return index;
}
