/** Hashing and token-run helpers of the builtin embedder (builtin.ts). */

/** FNV-1a over UTF-16 code units, then murmur3's fmix32 for well-spread bits. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 36 = '$', 45 = '-', 95 = '_' */
function isSep(c: number): boolean {
  return c === 95 || c === 36 || c === 45;
}

/**
 * tokenizeCode emits a compound identifier whole, then its parts. `toks[i]` is such a whole when the
 * following tokens concatenate (ignoring `_ $ -`) to exactly it; returns how many parts (0: not a whole).
 */
export function compoundParts(toks: string[], i: number): number {
  const t = toks[i];
  let pos = 0;
  while (pos < t.length && isSep(t.charCodeAt(pos))) pos++;
  for (let k = i + 1; k < toks.length; k++) {
    const p = toks[k];
    if (!t.startsWith(p, pos)) return 0;
    pos += p.length;
    while (pos < t.length && isSep(t.charCodeAt(pos))) pos++;
    if (pos === t.length) return k - i;
  }
  return 0;
}

export function followedBy(toks: string[], at: number, parts: string[]): boolean {
  if (at + parts.length > toks.length) return false;
  for (let j = 0; j < parts.length; j++) if (toks[at + j] !== parts[j]) return false;
  return true;
}
