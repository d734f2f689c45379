/**
 * Reads a model for inspection and detection without reading its weights. The result is a byte
 * array as long as the file in which every structural byte sits at its file offset, while the
 * payloads of large tensors (raw_data and the typed data fields) are left unread. The array is
 * allocated zeroed and the operating system backs untouched pages lazily, so a multi-gigabyte
 * model costs little more memory than its graph.
 *
 * Which fields to descend into follows onnx.proto: ModelProto.graph (7) and functions (25);
 * GraphProto node (1), initializer (5), sparse_initializer (15); NodeProto attribute (5);
 * AttributeProto t (5), g (6), tensors (10), graphs (11); TensorProto's payload fields are skipped.
 */
import { promises as fs } from 'node:fs';
import { ProtobufError, readVarint } from './protobuf';

type Schema = 'model' | 'graph' | 'node' | 'attribute' | 'tensor' | 'sparse';

const DESCEND: Record<Schema, Record<number, Schema>> = {
  model: { 7: 'graph' },
  graph: { 1: 'node', 5: 'tensor', 15: 'sparse' },
  node: { 5: 'attribute' },
  attribute: { 5: 'tensor', 6: 'graph', 10: 'tensor', 11: 'graph' },
  tensor: {},
  sparse: { 1: 'tensor', 2: 'tensor' },
};

/** TensorProto payloads: float_data, int32_data, string_data, int64_data, raw_data, double_data, uint64_data. */
const TENSOR_PAYLOADS = new Set([4, 5, 6, 7, 9, 10, 11]);

export interface SparseModel {
  bytes: Uint8Array;
  /** Bytes of tensor payload left unread. */
  skippedBytes: number;
}

/** Fields at most this long are read whole rather than walked. */
const SMALL = 64 * 1024;

export async function readModelSparse(path: string, size: number): Promise<SparseModel> {
  const bytes = new Uint8Array(size);
  const file = await fs.open(path, 'r');
  let skippedBytes = 0;
  const fill = async (start: number, end: number) => {
    let at = start;
    while (at < end) {
      const { bytesRead } = await file.read(bytes, at, end - at, at);
      if (bytesRead === 0) throw new ProtobufError('file ended early (truncated)', at);
      at += bytesRead;
    }
  };
  const walk = async (schema: Schema, start: number, end: number): Promise<void> => {
    let pos = start;
    while (pos < end) {
      // A tag and a length take at most 20 bytes; read them, then decide about the payload.
      await fill(pos, Math.min(end, pos + 20));
      const [tag, afterTag] = readVarint(bytes, pos, end);
      const wireType = tag & 7;
      const number = Math.floor(tag / 8);
      if (wireType !== 2) {
        // Scalars: the next field starts within the 20 bytes already read (a varint is ≤ 10).
        const next =
          wireType === 0
            ? readVarint(bytes, afterTag, end)[1]
            : wireType === 1
              ? afterTag + 8
              : wireType === 5
                ? afterTag + 4
                : -1;
        if (next < 0) throw new ProtobufError(`unsupported wire type ${wireType}`, pos);
        if (next > end) throw new ProtobufError(`field ${number} runs past the end of its message`, pos);
        await fill(afterTag, next);
        pos = next;
        continue;
      }
      const [length, payloadStart] = readVarint(bytes, afterTag, end);
      const payloadEnd = payloadStart + length;
      if (payloadEnd > end) throw new ProtobufError(`field ${number} runs past the end of its message`, pos);
      if (schema === 'tensor' && TENSOR_PAYLOADS.has(number) && length > SMALL) {
        skippedBytes += length;
      } else if (length > SMALL && DESCEND[schema][number]) {
        await walk(DESCEND[schema][number]!, payloadStart, payloadEnd);
      } else {
        await fill(payloadStart, payloadEnd);
      }
      pos = payloadEnd;
    }
  };
  try {
    await walk('model', 0, size);
  } finally {
    await file.close();
  }
  return { bytes, skippedBytes };
}
