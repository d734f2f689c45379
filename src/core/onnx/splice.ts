/**
 * Rewrites a model's GraphProto field by field: each field is kept byte for byte, replaced, or
 * dropped, and new fields are appended. Only the graph's length prefix and the edited fields are
 * re-encoded; every other byte of the file (including fields this reader does not know) survives.
 */
import { concatBytes, lengthDelimited } from './encode';
import type { GraphIndex } from './graph';
import { Field, forEachField } from './protobuf';

/** Return the field unchanged (`undefined`), a replacement (whole field, tag included), or `null` to drop it. */
export type FieldEdit = (field: Field, bytes: Uint8Array) => Uint8Array | null | undefined;

export function rewriteGraph(
  bytes: Uint8Array,
  index: GraphIndex,
  edit: FieldEdit,
  append: readonly Uint8Array[] = [],
): Uint8Array {
  const [graphStart, graphEnd] = index.graphSpan;
  const parts: Uint8Array[] = [];
  let keptFrom = graphStart;
  forEachField(bytes, graphStart, graphEnd, (field) => {
    const replacement = edit(field, bytes);
    if (replacement === undefined) return;
    // Flush the untouched run before this field, then the replacement (if any).
    parts.push(bytes.subarray(keptFrom, field.tagStart));
    if (replacement) parts.push(replacement);
    keptFrom = field.end;
  });
  parts.push(bytes.subarray(keptFrom, graphEnd), ...append);
  const [fieldStart, fieldEnd] = index.graphFieldSpan;
  return concatBytes([
    bytes.subarray(0, fieldStart),
    lengthDelimited(7, concatBytes(parts)),
    bytes.subarray(fieldEnd),
  ]);
}
