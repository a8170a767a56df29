/**
 * Code-aware tokenization shared by the lexical index, the builtin embedder and query understanding.
 *
 * An identifier is kept whole *and* split into its parts: `parseHTTPConfig2` → `parsehttpconfig2`,
 * `parse`, `http`, `config`, `2`; `snake_case_name` → `snake_case_name`, `snake`, `case`, `name`;
 * `kebab-case` → `kebab-case`, `kebab`, `case`. Everything is lower-cased.
 */

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

/** Tokens of a text: each identifier whole (lower-cased) followed by its parts when it has more than one. */
export function tokenizeCode(text: string, opts: TokenizeOptions = {}): string[] {
  const keepWhole = opts.keepWhole ?? true;
  const minLength = opts.minLength ?? 1;
  const out: string[] = [];
  const push = (t: string) => {
    if (t.length >= minLength) out.push(t);
  };
  for (const m of text.matchAll(IDENT_RE)) {
    const ident = m[0];
    const parts = identifierParts(ident);
    const whole = ident.toLowerCase();
    if (keepWhole || parts.length <= 1) push(whole);
    if (parts.length > 1 || (parts.length === 1 && parts[0] !== whole)) for (const p of parts) push(p);
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
