/**
 * Reads numpy's .npy format (versions 1.0, 2.0 and 3.0), as written by `np.save`:
 *
 *   "\x93NUMPY" major minor | header length (uint16 LE in 1.0, uint32 LE in 2.0/3.0) |
 *   header: a Python dict literal {'descr', 'fortran_order', 'shape'} (latin-1; UTF-8 in 3.0),
 *   padded with spaces and a newline | raw element data in C order.
 *
 * Supported element types are the little-endian ones MoE Scope can feed: <f4 <f8 <f2 <i8 <i4 <i2
 * |i1 |u1 |b1. The returned tensor views the given bytes when the data offset is aligned (numpy
 * pads the header so that it is), and copies once otherwise. Every length is checked against the
 * bytes actually present, so a truncated or malformed file fails with a message, never a hang.
 */
import { MoeScopeError } from '../errors';
import { DType, formatShape, Tensor } from '../tensor';
import { itemSize, viewAs } from './dtypes';
import { parsePyLiteral, PyLiteralError, PyValue } from './pyLiteral';
import { readShape } from './shapes';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** numpy `descr` strings → MoE Scope dtypes. One-byte types use '|' (no byte order). */
const DESCR: Record<string, DType> = {
  '<f4': 'float32',
  '<f8': 'float64',
  '<f2': 'float16',
  '<i8': 'int64',
  '<i4': 'int32',
  '<i2': 'int16',
  '|i1': 'int8',
  '|u1': 'uint8',
  '|b1': 'bool',
};

const SUPPORTED = Object.keys(DESCR).join(' ');

function lookupDescr(descr: string): DType | undefined {
  // One-byte types have no byte order; accept '<' and '=' for them too, as numpy does.
  if (/^[<=|][iub]1$/.test(descr)) return DESCR[`|${descr.slice(1)}`];
  return DESCR[descr];
}

function bad(where: string, problem: string, hint?: string): MoeScopeError {
  return new MoeScopeError('BAD_REQUEST', `${where} is not a readable .npy array: ${problem}.`, hint);
}

/** Reads one .npy array from `bytes`; `where` names it in messages ("x.npy", "data.npz['ids']"). */
export function parseNpy(bytes: Uint8Array, where: string): Tensor {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw bad(where, 'it does not start with the .npy magic "\\x93NUMPY"', 'Save arrays with numpy.save.');
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (major < 1 || major > 3 || minor !== 0) {
    throw bad(where, `format version ${major}.${minor} is not 1.0, 2.0 or 3.0`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else {
    if (bytes.length < 12) throw bad(where, 'the header is truncated');
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    throw bad(
      where,
      `the header is truncated (it declares ${headerLength} bytes, ${bytes.length - headerStart} remain)`,
    );
  }
  const headerBytes = bytes.subarray(headerStart, dataStart);
  const headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  let header: PyValue;
  try {
    header = parsePyLiteral(headerText);
  } catch (error) {
    if (error instanceof PyLiteralError) throw bad(where, `the header is malformed (${error.message})`);
    throw error;
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw bad(where, 'the header is not a dict');
  }
  const { descr, fortran_order: fortranOrder, shape: shapeValue } = header;
  if (typeof descr !== 'string') {
    throw bad(where, 'it holds a structured (record) array', 'Save each field as its own array in an .npz.');
  }
  const dtype = lookupDescr(descr);
  if (!dtype) {
    if (descr.startsWith('>')) {
      throw bad(
        where,
        `its elements are big-endian (${descr})`,
        `Convert it to little-endian first: a.astype('<${descr.slice(1)}').`,
      );
    }
    throw bad(where, `element type ${descr} is not supported`, `Supported: ${SUPPORTED}.`);
  }
  if (fortranOrder === true) {
    throw bad(
      where,
      'it is stored in Fortran (column-major) order',
      'Save a C-ordered copy: numpy.save(path, numpy.ascontiguousarray(a)).',
    );
  }
  if (fortranOrder !== false) throw bad(where, "the header's fortran_order is not True or False");
  const shape = readShape(shapeValue, (problem) => bad(where, `the header's shape ${problem}`));
  const count = shape.reduce((a, b) => a * b, 1);
  const dataLength = count * itemSize(dtype);
  const present = bytes.length - dataStart;
  if (present !== dataLength) {
    throw bad(
      where,
      `${dtype} ${formatShape(shape)} needs ${dataLength} data bytes but the file has ${present}`,
      present < dataLength ? 'The file is truncated; save it again.' : undefined,
    );
  }
  return { dtype, shape, data: viewAs(dtype, bytes, dataStart, count) };
}
