/**
 * Code-aware tokenization shared by the lexical index, the builtin embedder and query understanding.
 *
 * An identifier is kept whole *and* split into its parts: `parseHTTPConfig2` → `parsehttpconfig2`,
 * `parse`, `http`, `config`, `2`; `snake_case_name` → `snake_case_name`, `snake`, `case`, `name`;
 * `kebab-case` → `kebab-case`, `kebab`, `case`. Everything is lower-cased.
 */

import { ownString } from './strings';

const IDENT_RE = /[A-Za-z_$][A-Za-z0-9_$]*(?:-[A-Za-z0-9_$]+)*|[0-9]+/g;
// camelCase / PascalCase / ACRONYMWord / digit boundaries
const PART_RE = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;

/** Parts of one identifier, lower-cased, without the whole (e.g. `getHTTPResponse` → get, http, response). */
export function identifierParts(ident: string): string[] {
  const parts: string[] = [];
  for (const piece of ident.split(/[_$\-]+/)) {
    if (!piece) continue;
    const m = piece.match(PART_RE);
    if (m) for (const p of m) parts.push(p.toLowerCase());
  }
  return parts;
}

export interface TokenizeOptions {
  /** Emit the whole identifier as well as its parts (default true). */
  keepWhole?: boolean;
  /** Drop tokens shorter than this (default 1). */
  minLength?: number;
}

/** An identifier, lower-cased, and its parts when they differ from it (undefined otherwise). */
interface Split {
  key: string;
  whole: string;
  parts: string[] | undefined;
  /** More than one part (a compound identifier). */
  compound: boolean;
}
// Identifiers recur throughout code, so their splits are memoized, keyed by an FNV-1a hash computed while scanning
// (a Smi key: no substring and no V8 string hash on a hit) and verified against the text. Bounded: cleared when full.
const byHash = new Map<number, Split>();
const collided = new Map<string, Split>();
const MAX_SPLITS = 50_000;

/** `ident` is cut from a text: the memo keeps flat copies (a V8 slice of 13+ characters would pin the whole text). */
function makeSplit(ident: string): Split {
  const key = ownString(ident);
  const parts = identifierParts(key).map(ownString);
  const lower = key.toLowerCase();
  const whole = lower === key ? key : ownString(lower);
  const emit = parts.length > 1 || (parts.length === 1 && parts[0] !== whole);
  return { key, whole, parts: emit ? parts : undefined, compound: parts.length > 1 };
}

function splitAt(text: string, start: number, end: number, h: number): Split {
  let s = byHash.get(h);
  if (s !== undefined && s.key.length === end - start && text.startsWith(s.key, start)) return s;
  const ident = text.slice(start, end);
  if (s !== undefined) {
    let c = collided.get(ident);
    if (c === undefined) collided.set(ident, (c = makeSplit(ident)));
    return c;
  }
  if (byHash.size >= MAX_SPLITS) {
    byHash.clear();
    collided.clear();
  }
  byHash.set(h, (s = makeSplit(ident)));
  return s;
}

// Character classes of IDENT_RE, for the scanner below (which must find exactly IDENT_RE's matches).
const isDigit = (c: number) => c >= 48 && c <= 57;
const isStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
const isWord = (c: number) => isStart(c) || isDigit(c);
const FNV = 0x811c9dc5;
const mix = (h: number, c: number) => Math.imul(h ^ c, 0x01000193);

/** Tokens of a text: each identifier whole (lower-cased) followed by its parts when it has more than one. */
export function tokenizeCode(text: string, opts: TokenizeOptions = {}): string[] {
  const keepWhole = opts.keepWhole ?? true;
  const minLength = opts.minLength ?? 1;
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    const start = i;
    let h = FNV;
    if (isStart(c)) {
      // [A-Za-z_$][A-Za-z0-9_$]*(?:-[A-Za-z0-9_$]+)*
      do {
        h = mix(h, c);
        c = ++i < n ? text.charCodeAt(i) : -1;
      } while (isWord(c) || (c === 45 && i + 1 < n && isWord(text.charCodeAt(i + 1))));
    } else if (isDigit(c)) {
      do {
        h = mix(h, c);
        c = ++i < n ? text.charCodeAt(i) : -1;
      } while (isDigit(c));
    } else {
      i++;
      continue;
    }
    const s = splitAt(text, start, i, (h & 0x3fffffff) | 0);
    if ((keepWhole || !s.compound) && s.whole.length >= minLength) out.push(s.whole);
    if (s.parts) for (const p of s.parts) if (p.length >= minLength) out.push(p);
  }
  return out;
}

/** Path segments and their parts: `src/core/index/vectorStore.ts` → src, core, index, vectorstore, vector, store, ts. */
export function tokenizePath(path: string): string[] {
  return tokenizeCode(path.replace(/[\\/.]+/g, ' '));
}

/**
 * Query tokens with their role: each identifier whole (`whole: true`) and, for compound identifiers, its
 * parts (`whole: false`). Matching the whole identifier is stronger evidence than matching one of its parts.
 */
export function tokenizeQuery(text: string): { term: string; whole: boolean }[] {
  const out: { term: string; whole: boolean }[] = [];
  for (const m of text.matchAll(IDENT_RE)) {
    const whole = m[0].toLowerCase();
    out.push({ term: whole, whole: true });
    const parts = identifierParts(m[0]);
    if (parts.length > 1 || (parts.length === 1 && parts[0] !== whole)) for (const p of parts) out.push({ term: p, whole: false });
  }
  return out;
}
