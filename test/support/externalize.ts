/**
 * Test helper: writes a copy of a model whose initializers live in an external data file, the way
 * onnx.save(..., save_as_external_data=True) stores large models.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { concatBytes, messageField, stringField, varintField } from '../../src/core/onnx/encode';
import { indexGraph } from '../../src/core/onnx/graph';
import { forEachField } from '../../src/core/onnx/protobuf';
import { rewriteGraph } from '../../src/core/onnx/splice';

export function externalizeModel(
  source: string,
  folder: string,
  dataName = 'weights.bin',
): { model: string; data: string } {
  const bytes = readFileSync(source);
  const graph = indexGraph(bytes, source);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const rewritten = rewriteGraph(bytes, graph, (field) => {
    if (field.number !== 5) return undefined;
    const kept: Uint8Array[] = [];
    let raw: Uint8Array | undefined;
    forEachField(bytes, field.start, field.end, (f) => {
      if (f.number === 9) raw = bytes.subarray(f.start, f.end);
      else kept.push(bytes.subarray(f.tagStart, f.end));
    });
    if (!raw || raw.byteLength < 64) return undefined; // Small tensors stay inline, as onnx does.
    const entry = (key: string, value: string) =>
      messageField(13, [stringField(1, key), stringField(2, value)]);
    const tensor = messageField(5, [
      ...kept,
      entry('location', dataName),
      entry('offset', String(offset)),
      entry('length', String(raw.byteLength)),
      varintField(14, 1),
    ]);
    chunks.push(raw);
    offset += raw.byteLength;
    return tensor;
  });
  const model = join(folder, basename(source));
  const data = join(folder, dataName);
  writeFileSync(model, rewritten);
  writeFileSync(data, concatBytes(chunks));
  return { model, data };
}
