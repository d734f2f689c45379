/**
 * A parser for the small subset of Python literals that an .npy header is written in:
 * dicts, tuples, lists, quoted strings, integers, True/False/None. numpy writes the header with
 * `repr()` of a dict, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
 * Everything else is rejected; the parser never evaluates anything and always advances, so
 * malformed text ends in an error rather than a loop.
 */

export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

export class PyLiteralError extends Error {}

/** Nesting deeper than this is refused (an .npy header nests two levels). */
const MAX_DEPTH = 32;

export function parsePyLiteral(text: string): PyValue {
  let pos = 0;
  let depth = 0;

  const fail = (what: string): never => {
    throw new PyLiteralError(`${what} at character ${pos}`);
  };

  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };

  const parseSequence = (close: string): PyValue[] => {
    const items: PyValue[] = [];
    pos++;
    skipSpace();
    while (text[pos] !== close) {
      if (pos >= text.length) fail(`unterminated sequence, expected '${close}'`);
      items.push(parseValue());
      skipSpace();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== close) fail(`expected ',' or '${close}'`);
      skipSpace();
    }
    pos++;
    return items;
  };

  const parseDict = (): { [key: string]: PyValue } => {
    const dict: { [key: string]: PyValue } = {};
    pos++;
    skipSpace();
    while (text[pos] !== '}') {
      if (pos >= text.length) fail(`unterminated dict, expected '}'`);
      const key = parseValue();
      if (typeof key !== 'string') fail('dict keys must be strings');
      skipSpace();
      if (text[pos] !== ':') fail(`expected ':'`);
      pos++;
      dict[key as string] = parseValue();
      skipSpace();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== '}') fail(`expected ',' or '}'`);
      skipSpace();
    }
    pos++;
    return dict;
  };

  const parseString = (): string => {
    const quote = text[pos]!;
    const end = text.indexOf(quote, pos + 1);
    if (end < 0) fail('unterminated string');
    const value = text.slice(pos + 1, end);
    if (value.includes('\\')) fail('escapes in strings are not supported');
    pos = end + 1;
    return value;
  };

  const nested = <T>(parse: () => T): T => {
    if (++depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`);
    const value = parse();
    depth--;
    return value;
  };

  const parseValue = (): PyValue => {
    skipSpace();
    const c = text[pos];
    if (c === '{') return nested(parseDict);
    if (c === '(') return nested(() => parseSequence(')'));
    if (c === '[') return nested(() => parseSequence(']'));
    if (c === "'" || c === '"') return parseString();
    const word = /^(-?\d+|True|False|None)/.exec(text.slice(pos, pos + 32));
    if (!word) return fail('unexpected text');
    pos += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    // Python 2 wrote long integers with an L suffix ("(3L, 4L)").
    if (text[pos] === 'L') pos++;
    return Number(word[0]);
  };

  const value = parseValue();
  skipSpace();
  if (pos !== text.length) fail('trailing text');
  return value;
}
