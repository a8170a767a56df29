/**
 * BM25 over code-aware tokens (MiniSearch). Fields: name and qualifiedName (boosted), path (path tokens),
 * signature, doc, text; all tokenized by src/core/text/tokenize.ts, so `parseConfig` is found by
 * `parse config`, `parseconfig` and `parseConfig`.
 *
 * Queries are planned before they reach MiniSearch, whose cost is ~1 µs per posting visited: terms are
 * de-duplicated, English stop words dropped, a term with more than `termCap` postings is searched only in the
 * identifier fields (name, qualifiedName, path, signature), and the most selective terms are kept within
 * `maxTerms` and a posting budget. A term repeated in the query weighs more (1 + ln(tf)/2, at most 2).
 * That keeps a 300-word issue text in the same cost class as a short query.
 *
 * Persistence: `save(file, fingerprint)` writes atomically (integrity header) in a line-per-term format so no
 * single string has to hold the whole index; `load(file, fingerprint)` returns undefined when the file is
 * missing or stamped with another fingerprint (the caller then `rebuild`s from the VectorStore's chunks) and
 * throws `IntegrityError` when it is damaged.
 */
import MiniSearch, { type Options, type SearchOptions } from 'minisearch';
import type { Chunk } from '../types';
import { tokenizeCode, tokenizePath } from '../text/tokenize';
import { IntegrityError, readFileChecked, writeFileChecked } from './atomicFs';

export type LexicalField = 'name' | 'qualifiedName' | 'path' | 'signature' | 'doc' | 'text';
const FIELDS: LexicalField[] = ['name', 'qualifiedName', 'path', 'signature', 'doc', 'text'];
export const DEFAULT_BOOST: Record<LexicalField, number> = { name: 4, qualifiedName: 2, path: 1.5, signature: 1.5, doc: 1, text: 1 };
/** Bump when tokenization or fields change: a persisted index of another schema is stale. */
const SCHEMA = 'lexical-1';

export interface LexicalHit {
  id: string;
  score: number;
  /** Query terms that matched this chunk. */
  matchedTerms: string[];
}

export interface LexicalSearchOptions {
  /** Keep only ids for which this returns true. */
  filter?: (id: string) => boolean;
  /** Field boosts (default DEFAULT_BOOST). */
  boost?: Partial<Record<LexicalField, number>>;
  /** Also match terms that start with a query term (for type-ahead; costs more). Default false. */
  prefix?: boolean;
  /** Fuzzy matching as in MiniSearch (edit distance fraction). Default off. */
  fuzzy?: number;
  /** 'OR' (default) ranks by BM25 over any matching term; 'AND' requires all kept terms. */
  combineWith?: 'OR' | 'AND';
  /** Cap on distinct query terms sent to the engine (default 24). */
  maxTerms?: number;
  /** Cap on the summed posting-list sizes of the kept terms (default 20k; the most selective term is always kept). */
  postingBudget?: number;
  /** A term with more postings than this is searched only in the identifier fields (default 8k). */
  termCap?: number;
}

const STOP = new Set(
  ('a an and are as at be but by can could did do does for from had has have how i if in into is it its me my no not ' +
    'of on or our so than that the their them then there these they this those to too us was we were what when where ' +
    'which while who why will with would you your should also just only some any all after before about again because ' +
    'been being very way here like want need see get got seems seem still when using use used please hi thanks thank')
    .split(' '),
);

const textTokens = (s: string) => tokenizeCode(s, { minLength: 2 });

function tokenizeField(text: string, field?: string): string[] {
  if (field === 'path') return tokenizePath(text);
  if (field === 'name' || field === 'qualifiedName') return tokenizeCode(text);
  return textTokens(text);
}

function miniOptions(): Options<Chunk> {
  return {
    idField: 'id',
    fields: FIELDS,
    storeFields: [],
    extractField: (doc, field) => (doc as unknown as Record<string, string>)[field] ?? '',
    tokenize: tokenizeField,
    processTerm: (t) => t,
    autoVacuum: { minDirtCount: 2000, minDirtFactor: 0.15, batchSize: 2000, batchWait: 5 },
  };
}

export interface QueryTerm {
  term: string;
  weight: number;
  /** Restricts a too-common term to these fields. */
  fields?: LexicalField[];
}

const NARROWING: LexicalField[][] = [['name', 'qualifiedName', 'path', 'signature'], ['name', 'qualifiedName']];
const sum = (per: Map<LexicalField, number>, fields: LexicalField[]) => fields.reduce((n, f) => n + (per.get(f) ?? 0), 0);

/** MiniSearch keeps its postings in a protected radix tree; posting-list sizes are read from it when present. */
type Postings = { get(term: string): Map<number, Map<number, number>> | undefined };

export class LexicalIndex {
  private ms: MiniSearch<Chunk>;

  constructor(ms?: MiniSearch<Chunk>) {
    this.ms = ms ?? new MiniSearch<Chunk>(miniOptions());
  }

  static rebuild(chunks: Iterable<Chunk>): LexicalIndex {
    const lex = new LexicalIndex();
    lex.add(chunks);
    return lex;
  }

  get size(): number {
    return this.ms.documentCount;
  }
  has(id: string): boolean {
    return this.ms.has(id);
  }

  /** Adds chunks; a chunk whose id is already indexed replaces the old version. */
  add(chunks: Iterable<Chunk>): void {
    for (const c of chunks) {
      if (this.ms.has(c.id)) this.ms.discard(c.id);
      this.ms.add(c);
    }
  }

  /** Removes chunks by id (unknown ids are ignored). Space is reclaimed by (auto) vacuuming. */
  remove(ids: Iterable<string>): void {
    const present = [...ids].filter((id) => this.ms.has(id));
    if (present.length) this.ms.discardAll(present);
  }

  /** Cleans discarded documents out of the postings now. */
  async vacuum(): Promise<void> {
    if (this.ms.dirtCount > 0) await this.ms.vacuum({ batchSize: 5000, batchWait: 0 });
  }

  /** Postings of `term` per field (empty when absent; undefined when MiniSearch's internals are unreachable). */
  postings(term: string): Map<LexicalField, number> | undefined {
    const index = (this.ms as unknown as { _index?: Postings })._index;
    if (!index || typeof index.get !== 'function') return undefined;
    const out = new Map<LexicalField, number>();
    const data = index.get(term);
    if (data) FIELDS.forEach((f, i) => { const n = data.get(i)?.size ?? 0; if (n) out.set(f, n); });
    return out;
  }

  /**
   * The plan a query is reduced to: weighted terms, each searched in all fields or, when it is too common,
   * only in the identifier fields (see the module comment).
   */
  queryTerms(query: string | string[], opts: Pick<LexicalSearchOptions, 'maxTerms' | 'postingBudget' | 'termCap'> = {}): QueryTerm[] {
    const tokens = typeof query === 'string' ? tokenizeCode(query) : query.map((t) => t.toLowerCase()).filter(Boolean);
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    let terms = [...tf.keys()];
    const content = terms.filter((t) => !STOP.has(t) && t.length > 1);
    if (content.length) terms = content;
    const maxTerms = opts.maxTerms ?? 24;
    const budget = opts.postingBudget ?? 20_000;
    const termCap = opts.termCap ?? 8_000;
    const weight = (t: string) => Math.min(2, 1 + Math.log(tf.get(t)!) / 2);
    const plans: (QueryTerm & { cost: number })[] = [];
    for (const term of terms) {
      const per = this.postings(term);
      if (!per) {
        plans.push({ term, weight: weight(term), cost: 0 }); // internals unreachable: no cost model
        continue;
      }
      let fields: LexicalField[] | undefined;
      let cost = sum(per, FIELDS);
      if (cost === 0) continue; // matches nothing
      // A very common term only counts where it names something.
      for (const narrow of NARROWING) {
        if (cost <= termCap) break;
        fields = narrow;
        cost = sum(per, narrow);
      }
      if (fields && cost === 0) continue;
      plans.push({ term, weight: weight(term), cost, ...(fields ? { fields } : {}) });
    }
    // Most selective first, then the most repeated; stop at the term cap or the posting budget.
    plans.sort((a, b) => a.cost - b.cost || tf.get(b.term)! - tf.get(a.term)!);
    const kept: QueryTerm[] = [];
    let spent = 0;
    for (const { cost, ...p } of plans) {
      if (kept.length >= maxTerms || (kept.length > 0 && spent + cost > budget)) break;
      kept.push(p);
      spent += cost;
    }
    return kept;
  }

  search(query: string | string[], k: number, opts: LexicalSearchOptions = {}): LexicalHit[] {
    if (k <= 0 || this.ms.documentCount === 0) return [];
    const terms = this.queryTerms(query, opts);
    if (!terms.length) return [];
    const weight = new Map(terms.map((t) => [t.term, t.weight]));
    const filter = opts.filter;
    const searchOpts: SearchOptions = {
      tokenize: (s) => [s],
      processTerm: (t) => t,
      boost: { ...DEFAULT_BOOST, ...opts.boost },
      prefix: opts.prefix ?? false,
      fuzzy: opts.fuzzy ?? false,
      boostTerm: (term) => weight.get(term) ?? 1,
      ...(filter ? { filter: (r) => filter(r.id as string) } : {}),
    };
    const results = this.ms.search(
      { combineWith: opts.combineWith ?? 'OR', queries: terms.map((t) => (t.fields ? { queries: [t.term], fields: t.fields } : t.term)) },
      searchOpts,
    );
    const out: LexicalHit[] = [];
    for (let i = 0; i < results.length && i < k; i++) {
      const r = results[i];
      out.push({ id: r.id as string, score: r.score, matchedTerms: r.queryTerms });
    }
    return out;
  }

  // ---- persistence ---------------------------------------------------------------------------------------

  /** MiniSearch's serializable form. */
  toJSON(): ReturnType<MiniSearch['toJSON']> {
    return this.ms.toJSON();
  }

  /** Writes the index atomically, stamped with `fingerprint` (e.g. what the chunks were derived from). */
  async save(file: string, fingerprint: string, opts: { fsync?: boolean } = {}): Promise<void> {
    const { index, ...rest } = this.ms.toJSON();
    const parts: string[] = [JSON.stringify({ schema: SCHEMA, fingerprint, terms: index.length }), '\n', JSON.stringify(rest), '\n'];
    const BATCH = 4096;
    for (let i = 0; i < index.length; i += BATCH) {
      parts.push(index.slice(i, i + BATCH).map((e) => JSON.stringify(e)).join('\n'), '\n');
    }
    await writeFileChecked(file, parts, opts);
  }

  /**
   * Loads an index saved with `save`. Undefined when the file is missing or stale (other fingerprint or schema);
   * throws IntegrityError when it is truncated or corrupt.
   */
  static async load(file: string, fingerprint: string): Promise<LexicalIndex | undefined> {
    let buf: Buffer;
    try {
      buf = await readFileChecked(file);
    } catch (e) {
      if (e instanceof IntegrityError && e.problem === 'missing') return undefined;
      throw e;
    }
    const lines: string[] = [];
    for (let start = 0; start < buf.length; ) {
      let end = buf.indexOf(0x0a, start);
      if (end < 0) end = buf.length;
      lines.push(buf.toString('utf8', start, end));
      start = end + 1;
    }
    let header: { schema?: string; fingerprint?: string; terms?: number };
    try {
      header = JSON.parse(lines[0] ?? '') as typeof header;
    } catch {
      throw new IntegrityError(file, 'bad-header', 'lexical header is not JSON');
    }
    if (header.schema !== SCHEMA || header.fingerprint !== fingerprint) return undefined;
    if (lines.length !== 2 + (header.terms ?? -1)) throw new IntegrityError(file, 'bad-length', `${lines.length - 2} of ${header.terms} terms`);
    const rest = JSON.parse(lines[1]) as Omit<ReturnType<MiniSearch['toJSON']>, 'index'>;
    const index = new Array(lines.length - 2);
    for (let i = 2; i < lines.length; i++) index[i - 2] = JSON.parse(lines[i]);
    return new LexicalIndex(MiniSearch.loadJS<Chunk>({ ...rest, index }, miniOptions()));
  }

  /** Reads only the fingerprint a saved index was stamped with (undefined if missing/unreadable). */
  static async fingerprintOf(file: string): Promise<string | undefined> {
    try {
      const buf = await readFileChecked(file);
      const nl = buf.indexOf(0x0a);
      return (JSON.parse(buf.toString('utf8', 0, nl < 0 ? buf.length : nl)) as { fingerprint?: string }).fingerprint;
    } catch {
      return undefined;
    }
  }
}
