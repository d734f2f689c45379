/** Builds .npy bytes by hand, for tests that need data files in exact formats. */

/** Writes a version-1.0 .npy by hand: header dict padded to a 64-byte boundary, then `data`. */
export function npyBytes(
  descr: string,
  shape: number[],
  data: Uint8Array,
  options: { fortran?: boolean } = {},
): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const descrText = descr.startsWith('[') ? descr : `'${descr}'`; // structured descrs are lists
  let header = `{'descr': ${descrText}, 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(data, 10 + header.length);
  return out;
}

export function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
