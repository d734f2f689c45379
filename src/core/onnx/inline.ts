/**
 * Model-local functions inlined into the main graph. Exporters write a module as a FunctionProto
 * when asked to (`torch.onnx.export(..., export_modules_as_functions={SoftMoE})`), and then the
 * routing tensors live inside function bodies, out of reach of detection, instrumentation and
 * masks. Inlining replaces each call with the function's nodes:
 *   - formal inputs and outputs become the call's actual names;
 *   - every other tensor and node is renamed under the call's scope (a call named
 *     `/blocks.2/mlp/SoftMoE` puts `Softmax_40` at `/blocks.2/mlp/Softmax_40`), so layer ids
 *     come out as for a flat export;
 *   - attributes that refer to the function's attributes take the call's values or defaults;
 *   - calls inside functions are inlined in turn.
 * Everything else in the file is kept byte for byte. A model without functions is returned as is.
 */
import { MoeScopeError } from '../errors';
import { concatBytes, lengthDelimited, messageField, stringField, varintField } from './encode';
import { readNode } from './graph';
import { Field, forEachField, readString } from './protobuf';
import { readOpset } from './summary';

interface LocalFunction {
  key: string;
  name: string;
  inputs: string[];
  outputs: string[];
  /** Default values of the function's attributes, by name (AttributeProto bytes, tag included). */
  defaults: Map<string, Uint8Array>;
  /** NodeProto payload spans. */
  nodes: [number, number][];
  opsets: Map<string, number>;
}

export interface Inlined {
  bytes: Uint8Array;
  /** Calls replaced, nested ones included. */
  calls: number;
}

/** A node's or function's identity: domain, name and overload. */
function keyOf(domain: string, name: string, overload: string): string {
  return `${domain}\u0000${name}\u0000${overload}`;
}

/** An OperatorSetIdProto field as [domain ("" for the default one), version]. */
function opsetOf(bytes: Uint8Array, field: Field): [string, number] {
  const { domain, version } = readOpset(bytes, field.start, field.end);
  return [domain === 'ai.onnx' ? '' : domain, version];
}

function readFunction(bytes: Uint8Array, field: Field): LocalFunction {
  const fn: LocalFunction = {
    key: '',
    name: '',
    inputs: [],
    outputs: [],
    defaults: new Map(),
    nodes: [],
    opsets: new Map(),
  };
  let domain = '';
  let overload = '';
  forEachField(bytes, field.start, field.end, (f) => {
    switch (f.number) {
      case 1:
        fn.name = readString(bytes, f);
        break;
      case 4:
        fn.inputs.push(readString(bytes, f));
        break;
      case 5:
        fn.outputs.push(readString(bytes, f));
        break;
      case 7:
        fn.nodes.push([f.start, f.end]);
        break;
      case 9:
        fn.opsets.set(...opsetOf(bytes, f));
        break;
      case 10:
        domain = readString(bytes, f);
        break;
      case 11:
        fn.defaults.set(attributeName(bytes, f), bytes.subarray(f.tagStart, f.end));
        break;
      case 13:
        overload = readString(bytes, f);
        break;
    }
  });
  fn.key = keyOf(domain, fn.name, overload);
  return fn;
}

function attributeName(bytes: Uint8Array, field: Field): string {
  let name = '';
  forEachField(bytes, field.start, field.end, (f) => {
    if (f.number === 1) name = readString(bytes, f);
  });
  return name;
}

/** The parts of a NodeProto the inliner reads: the node, its function key, its attributes' bytes. */
interface NodeParts {
  inputs: string[];
  outputs: string[];
  name: string;
  key: string;
  /** Attribute fields by name (tag included). */
  attributes: Map<string, Uint8Array>;
}

function nodeParts(payload: Uint8Array): NodeParts {
  const node = readNode(payload, 0, payload.byteLength, 0);
  const attributes = new Map<string, Uint8Array>();
  forEachField(payload, 0, payload.byteLength, (f) => {
    if (f.number === 5) attributes.set(attributeName(payload, f), payload.subarray(f.tagStart, f.end));
  });
  const key = keyOf(node.domain, node.opType, node.overload);
  return { inputs: node.inputs, outputs: node.outputs, name: node.name, key, attributes };
}

/** Where a call's nodes go: `/blocks.2/mlp/SoftMoE` → `/blocks.2/mlp/`. */
function scopeOf(callName: string): string {
  const cut = callName.lastIndexOf('/');
  return cut > 0 ? callName.slice(0, cut + 1) : '';
}

/**
 * An attribute field of a function body's node as the call resolves it: a reference
 * (ref_attr_name = 21) takes the call's attribute of that name, renamed to this one, or the
 * function's default; undefined drops it (an optional attribute left unset).
 */
function resolveAttribute(
  bytes: Uint8Array,
  field: Field,
  call: NodeParts,
  fn: LocalFunction,
): Uint8Array | undefined {
  let name = '';
  let reference: string | undefined;
  let subgraph = false;
  forEachField(bytes, field.start, field.end, (f) => {
    if (f.number === 1) name = readString(bytes, f);
    else if (f.number === 21) reference = readString(bytes, f);
    else if (f.number === 6 || f.number === 11) subgraph = true;
  });
  if (subgraph) {
    throw new MoeScopeError(
      'BAD_REQUEST',
      `The model-local function ${fn.name} holds control flow (a subgraph), which MoE Scope cannot inline.`,
      'Inline the functions first: onnx.save(onnx.inliner.inline_local_functions(onnx.load(path)), path) (onnx ≥ 1.15), or export without export_modules_as_functions.',
    );
  }
  if (reference === undefined) return bytes.subarray(field.tagStart, field.end);
  const given = call.attributes.get(reference) ?? fn.defaults.get(reference);
  if (!given) return undefined;
  // Copy every field of the given attribute but its name, which becomes this attribute's name.
  const parts = [stringField(1, name)];
  const payload = readPayload(given);
  forEachField(payload, 0, payload.byteLength, (f) => {
    if (f.number !== 1) parts.push(payload.subarray(f.tagStart, f.end));
  });
  return messageField(5, parts);
}

/** The payload of a length-delimited field given with its tag. */
function readPayload(field: Uint8Array): Uint8Array {
  let payload = field;
  forEachField(field, 0, field.byteLength, (f) => {
    payload = field.subarray(f.start, f.end);
  });
  return payload;
}

class Inliner {
  calls = 0;
  private readonly bases = new Set<string>();

  constructor(
    private readonly model: Uint8Array,
    private readonly functions: Map<string, LocalFunction>,
  ) {}

  /** A NodeProto payload as graph node fields: itself, or the nodes of the function it calls. */
  expand(payload: Uint8Array, depth = 0): Uint8Array[] {
    const node = nodeParts(payload);
    const fn = this.functions.get(node.key);
    if (!fn) return [lengthDelimited(1, payload)];
    if (depth > 32) {
      throw new MoeScopeError(
        'BAD_REQUEST',
        `The model-local function ${fn.name} calls itself, directly or not.`,
      );
    }
    this.calls++;
    let base = scopeOf(node.name) || `${fn.name}/`;
    // Two calls in one scope (or unnamed calls) must not share tensor names.
    for (let n = 2; this.bases.has(base); n++) base = `${scopeOf(node.name)}${fn.name}_${n}/`;
    this.bases.add(base);
    const renames = new Map<string, string>();
    fn.inputs.forEach((formal, i) => renames.set(formal, node.inputs[i] ?? ''));
    fn.outputs.forEach((formal, i) => renames.set(formal, node.outputs[i] ?? ''));
    const rename = (name: string) => (name === '' ? '' : (renames.get(name) ?? `${base}${name}`));
    const bytes = this.model;
    const fields: Uint8Array[] = [];
    for (const [start, end] of fn.nodes) {
      const parts: Uint8Array[] = [];
      forEachField(bytes, start, end, (f) => {
        if (f.number === 1 || f.number === 2) parts.push(stringField(f.number, rename(readString(bytes, f))));
        else if (f.number === 3)
          parts.push(stringField(3, `${base}${readString(bytes, f).replace(/^\//, '')}`));
        else if (f.number === 5) {
          const attribute = resolveAttribute(bytes, f, node, fn);
          if (attribute) parts.push(attribute);
        } else parts.push(bytes.subarray(f.tagStart, f.end));
      });
      // A call inside the function is inlined in turn, from its renamed copy.
      fields.push(...this.expand(concatBytes(parts), depth + 1));
    }
    return fields;
  }
}

/** The model with its local functions inlined, and how many calls were replaced. */
export function inlineLocalFunctions(bytes: Uint8Array): Inlined {
  const functions = new Map<string, LocalFunction>();
  const modelOpsets = new Map<string, number>();
  let graph: Field | undefined;
  forEachField(bytes, 0, bytes.byteLength, (f) => {
    if (f.number === 25) {
      const fn = readFunction(bytes, f);
      functions.set(fn.key, fn);
    } else if (f.number === 8) modelOpsets.set(...opsetOf(bytes, f));
    else if (f.number === 7) graph = f;
  });
  if (functions.size === 0 || !graph) return { bytes, calls: 0 };
  const added: [string, number][] = [];
  for (const fn of functions.values())
    for (const [domain, version] of fn.opsets) {
      const own = modelOpsets.get(domain);
      if (own === undefined) {
        modelOpsets.set(domain, version);
        added.push([domain, version]);
      } else if (own !== version && domain === '') {
        throw new MoeScopeError(
          'BAD_REQUEST',
          `The model-local function ${fn.name} uses opset ${version} but the model opset ${own}; MoE Scope cannot inline across opsets.`,
          'Export the model and its functions at one opset, or inline them with onnx.inliner.inline_local_functions.',
        );
      }
    }
  const inliner = new Inliner(bytes, functions);
  const graphParts: Uint8Array[] = [];
  const g = graph as Field;
  forEachField(bytes, g.start, g.end, (f) => {
    if (f.number === 1) graphParts.push(...inliner.expand(bytes.subarray(f.start, f.end)));
    else graphParts.push(bytes.subarray(f.tagStart, f.end));
  });
  const model: Uint8Array[] = [];
  forEachField(bytes, 0, bytes.byteLength, (f) => {
    if (f.number === 7) model.push(lengthDelimited(7, concatBytes(graphParts)));
    else if (f.number !== 25) model.push(bytes.subarray(f.tagStart, f.end));
  });
  for (const [domain, version] of added)
    model.push(messageField(8, [stringField(1, domain), varintField(2, version)]));
  return { bytes: concatBytes(model), calls: inliner.calls };
}
