/**
 * Lists and extracts the entries of a ZIP archive (what .npz files are), stored or deflated,
 * including the ZIP64 records numpy writes for large arrays. The central directory is read with
 * every offset and length checked against the archive, so a damaged file gives a clear error
 * instead of a wild read or a hang; deflated data is expanded by fflate into a buffer of the
 * declared size, and each entry's CRC-32 is verified.
 *
 * Layout (PKWARE APPNOTE 6.3): local headers + data ... | central directory | [ZIP64 end record +
 * locator] | end of central directory record (+ comment of up to 65535 bytes).
 */
import { inflateSync } from 'fflate';

export class ZipError extends Error {}

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  /** Offset of the entry's local header. */
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;

class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  check(offset: number, length: number, what: string): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > this.bytes.length) {
      throw new ZipError(`${what} lies outside the file (offset ${offset}, ${length} bytes)`);
    }
  }
  u16(offset: number): number {
    this.check(offset, 2, 'a header field');
    return this.view.getUint16(offset, true);
  }
  u32(offset: number): number {
    this.check(offset, 4, 'a header field');
    return this.view.getUint32(offset, true);
  }
  u64(offset: number): number {
    const value = this.u32(offset) + this.u32(offset + 4) * 2 ** 32;
    if (!Number.isSafeInteger(value)) throw new ZipError('a 64-bit size or offset is too large');
    return value;
  }
}

function findEndRecord(r: Reader): number {
  const last = r.bytes.length - 22;
  const first = Math.max(0, last - 0xffff);
  for (let at = last; at >= first; at--) {
    if (r.view.getUint32(at, true) === EOCD) return at;
  }
  throw new ZipError('no end-of-central-directory record (not a zip archive, or truncated)');
}

/** The entries of the archive in central-directory order. */
export function listZip(bytes: Uint8Array): ZipEntry[] {
  if (bytes.length < 22) throw new ZipError('the file is too short to be a zip archive');
  const r = new Reader(bytes);
  const end = findEndRecord(r);
  let count = r.u16(end + 10);
  let dirSize = r.u32(end + 12);
  let dirOffset = r.u32(end + 16);
  if (end >= 20 && r.u32(end - 20) === ZIP64_LOCATOR) {
    const record = r.u64(end - 12);
    if (r.u32(record) !== ZIP64_EOCD) throw new ZipError('the ZIP64 end record is missing');
    count = r.u64(record + 32);
    dirSize = r.u64(record + 40);
    dirOffset = r.u64(record + 48);
  }
  r.check(dirOffset, dirSize, 'the central directory');
  // Each central header takes at least 46 bytes: a count beyond that is a lie, not a long loop.
  if (count * 46 > dirSize) throw new ZipError(`the directory cannot hold the ${count} entries it declares`);
  const entries: ZipEntry[] = [];
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    if (r.u32(at) !== CENTRAL) throw new ZipError(`central directory entry ${i} is damaged`);
    const flags = r.u16(at + 8);
    const method = r.u16(at + 10);
    const crc32 = r.u32(at + 16);
    let compressedSize = r.u32(at + 20);
    let size = r.u32(at + 24);
    const nameLength = r.u16(at + 28);
    const extraLength = r.u16(at + 30);
    const commentLength = r.u16(at + 32);
    let localOffset = r.u32(at + 42);
    r.check(at + 46, nameLength + extraLength, 'an entry name');
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(
      bytes.subarray(at + 46, at + 46 + nameLength),
    );
    if (flags & 1) throw new ZipError(`entry ${name} is encrypted`);
    // ZIP64 extra field (id 1): the 64-bit values, in this order, of those set to 0xFFFFFFFF above.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = r.u16(extra);
      const length = r.u16(extra + 2);
      if (extra + 4 + length > extraEnd) throw new ZipError(`entry ${name} has a damaged extra field`);
      if (id === 1) {
        let field = extra + 4;
        const next = (): number => {
          if (field + 8 > extra + 4 + length) throw new ZipError(`entry ${name} has a short ZIP64 field`);
          const value = r.u64(field);
          field += 8;
          return value;
        };
        if (size === U32_MAX) size = next();
        if (compressedSize === U32_MAX) compressedSize = next();
        if (localOffset === U32_MAX) localOffset = next();
      }
      extra += 4 + length;
    }
    entries.push({ name, method, compressedSize, size, crc32, localOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * The uncompressed bytes of `entry`. Stored entries are views into `bytes` (no copy); deflated ones
 * are expanded into a new buffer of exactly the declared size.
 */
export function extractZipEntry(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const r = new Reader(bytes);
  if (r.u32(entry.localOffset) !== LOCAL) throw new ZipError(`the local header of ${entry.name} is damaged`);
  const start = entry.localOffset + 30 + r.u16(entry.localOffset + 26) + r.u16(entry.localOffset + 28);
  r.check(start, entry.compressedSize, `the data of ${entry.name}`);
  const raw = bytes.subarray(start, start + entry.compressedSize);
  let data: Uint8Array;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw new ZipError(`stored entry ${entry.name} has two sizes`);
    data = raw;
  } else if (entry.method === 8) {
    try {
      data = inflateSync(raw, { out: new Uint8Array(entry.size) });
    } catch (error) {
      throw new ZipError(`the deflated data of ${entry.name} is corrupt (${(error as Error).message})`);
    }
    if (data.length !== entry.size) {
      throw new ZipError(`${entry.name} expands to ${data.length} bytes, not the ${entry.size} declared`);
    }
  } else {
    throw new ZipError(
      `entry ${entry.name} uses compression method ${entry.method}; only stored and deflate`,
    );
  }
  if (crc32(data) !== entry.crc32) throw new ZipError(`the CRC-32 of ${entry.name} does not match its data`);
  return data;
}

let CRC_TABLE: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip stores it. */
export function crc32(data: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  const table = CRC_TABLE;
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
