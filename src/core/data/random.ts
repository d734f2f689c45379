/**
 * Small deterministic random number generators for synthetic inputs. Not cryptographic; chosen
 * because they are tiny, fast, and give the same stream on every platform.
 */

/** murmur3's 32-bit finaliser: a bijective mix of a 32-bit integer. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a hash of a string's UTF-16 code units, 32 bits. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * mulberry32 (Tommy Ettinger): a 32-bit state generator with period 2^32, returning uniform
 * unsigned 32-bit integers.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A seeded uniform source in [0, 1): mulberry32's integers scaled by 2^-32. */
export function seededRandom(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/** The seed of one row of one input: rows are generated independently of how they are batched. */
export function rowSeed(seed: number, input: string, row: number): number {
  return mix32(mix32(mix32(seed >>> 0) ^ hashString(input)) + row);
}
