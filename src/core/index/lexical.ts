/**
 * BM25F over code-aware tokens (the typed-array engine in postings.ts). Fields: name and qualifiedName (boosted), path (path tokens),
 * signature, doc, text; all tokenized by src/core/text/tokenize.ts, so `parseConfig` is found by
 * `parse config`, `parseconfig` and `parseConfig`.
 *
 * Queries are planned before they reach the engine, whose cost is proportional to the postings visited: terms are
 * de-duplicated, English stop words dropped, a term with more than `termCap` postings is searched only in the
 * identifier fields (name, qualifiedName, path, signature), and the most selective terms are kept within
 * `maxTerms` and a posting budget. A term repeated in the query weighs more (1 + ln(tf)/2, at most 2).
 * That keeps a 300-word issue text in the same cost class as a short query.
 *
 * Persistence: `save(file, fingerprint)` writes atomically (integrity header) a JSON header (vocabulary, ids)
 * followed by the binary posting lists; `load(file, fingerprint)` returns undefined when the file is
 * missing or stamped with another fingerprint (the caller then `rebuild`s from the VectorStore's chunks) and
 * throws `IntegrityError` when it is damaged.
 */
import type { Chunk } from '../types';
import { stem } from '../text/stem';
import { tokenizeCode, tokenizePath, tokenizeQuery } from '../text/tokenize';
import { IntegrityError, readFileChecked, writeFileChecked } from './atomicFs';
import { queryCoverage } from './coverage';
import { Postings } from './postings';
import { higherFirst } from '../order';

export type LexicalField = 'name' | 'qualifiedName' | 'path' | 'signature' | 'doc' | 'text';
const FIELDS: LexicalField[] = ['name', 'qualifiedName', 'path', 'signature', 'doc', 'text'];
export const DEFAULT_BOOST: Record<LexicalField, number> = { name: 4, qualifiedName: 2, path: 1.5, signature: 1.5, doc: 1, text: 1 };
/** Bump when tokenization or fields change: a persisted index of another schema is stale. */
const SCHEMA = 'lexical-2';

export interface LexicalHit {
  id: string;
  score: number;
  /** Query terms that matched this chunk. */
  matchedTerms: string[];
  /** Share of the query's words this chunk covers, 0..1 (see `queryCoverage`). */
  coverage: number;
}

export interface LexicalSearchOptions {
  /** Keep only ids for which this returns true. */
  filter?: (id: string) => boolean;
  /** Field boosts (default DEFAULT_BOOST). */
  boost?: Partial<Record<LexicalField, number>>;
  /** Also match terms that start with a query term (for type-ahead; costs more). Default false. */
  prefix?: boolean;
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

/** Query weight of an identifier part relative to a whole identifier (`parseConfig` vs `parse`). */
export const PART_WEIGHT = 0.4;
/** Query weight of a whole compound identifier (`write_summary_table`): a symbol reference, more specific than a word. */
export const COMPOUND_WEIGHT = 1.5;
/** Query weight of another form of a query word found in the vocabulary (`embedded` → `embed`, `embedding`). */
export const VARIANT_WEIGHT = 0.5;
/** At most this many vocabulary variants per query word (the shortest, then the rarest, are kept). */
const MAX_VARIANTS = 3;
/** Queries with more content terms than this are not expanded (a long issue text has enough words of its own). */
const MAX_EXPANDED_TERMS = 12;
const PLAIN_WORD = /^[a-z]{4,}$/;

const textTokens = (s: string) => tokenizeCode(s, { minLength: 2 });

/** Terms of the vocabulary starting with `prefix` (for type-ahead), at most `limit`. */
function termsWithPrefix(vocabulary: readonly string[], prefix: string, limit: number): string[] {
  const out: string[] = [];
  for (const t of vocabulary) {
    if (t.startsWith(prefix) && t !== prefix && out.push(t) >= limit) break;
  }
  return out;
}

function tokenizeField(text: string, field?: string): string[] {
  if (field === 'path') return tokenizePath(text);
  if (field === 'name' || field === 'qualifiedName') return tokenizeCode(text);
  return textTokens(text);
}

export interface QueryTerm {
  term: string;
  weight: number;
  /** Restricts a too-common term to these fields. */
  fields?: LexicalField[];
  /** For another form of a query word (`embed`), that word (`embedded`). */
  variantOf?: string;
  /** The word of the query this term stands for: itself, the identifier it is a part of, or the word it is a form of. */
  concept?: string;
}

const NARROWING: LexicalField[][] = [['name', 'qualifiedName', 'path', 'signature'], ['name', 'qualifiedName']];
/** Postings of a term in `fields`, from its per-field counts (Postings.df, in FIELDS order). */
const sum = (per: number[], fields: LexicalField[]) => fields.reduce((n, f) => n + per[FIELDS.indexOf(f)], 0);

export class LexicalIndex {
  private readonly engine: Postings;
  /** Stem → vocabulary terms, extended lazily as the (append-only) vocabulary grows. */
  private readonly stems = { upTo: 0, byStem: new Map<string, string[]>() };

  constructor(engine?: Postings) {
    this.engine = engine ?? new Postings(FIELDS.length);
  }

  static rebuild(chunks: Iterable<Chunk>): LexicalIndex {
    const lex = new LexicalIndex();
    lex.add(chunks);
    return lex;
  }

  get size(): number {
    return this.engine.size;
  }
  has(id: string): boolean {
    return this.engine.has(id);
  }

  /** Adds chunks; a chunk whose id is already indexed replaces the old version. Call `settle()` when a batch of changes ends. */
  add(chunks: Iterable<Chunk>): void {
    for (const c of chunks) {
      this.engine.remove(c.id);
      this.engine.add(c.id, FIELDS.map((f) => tokenizeField(c[f] ?? '', f)));
    }
  }

  /** Removes chunks by id (unknown ids are ignored). Call `settle()` when a batch of changes ends. */
  remove(ids: Iterable<string>): void {
    for (const id of ids) this.engine.remove(id);
  }

  /**
   * Compacts once removed chunks are many (over 2,000 and a quarter of all). Removed postings count in BM25's
   * document frequencies until then, so scores depend on when compaction ran: the indexer calls this at the end of
   * each update, never inside one, where it would depend on the order the workers' results came back in.
   */
  settle(): void {
    const dead = this.engine.deadCount;
    if (dead > 2000 && dead > 0.25 * (dead + this.engine.size)) this.engine.compact();
  }

  /** Reclaims the space of removed chunks now. */
  async vacuum(): Promise<void> {
    this.engine.compact();
  }

  /** Postings of `term` over all fields. */
  private postingCount(term: string): number {
    return this.engine.df(term).reduce((a, b) => a + b, 0);
  }

  /**
   * The `text` field as postings, for deriving a coarser index (RepoView's per-file BM25) without tokenizing every
   * chunk again: `docs[n]` is document n's chunk id (null: removed), `length(n)` its text's token count, and
   * `forEach(t, fn)` gives term `terms[t]`'s (document, tf ≤ 255) pairs, documents ascending.
   */
  textPostings(): { docs: readonly (string | null)[]; terms: readonly string[]; length: (doc: number) => number; forEach: (term: number, fn: (doc: number, tf: number) => void) => void } {
    const f = FIELDS.indexOf('text');
    const e = this.engine;
    return { docs: e.documents, terms: e.vocabulary, length: (doc) => e.documentLength(f, doc), forEach: (t, fn) => e.forEachPosting(f, t, fn) };
  }

  /**
   * The plan a query is reduced to: weighted terms, each searched in all fields or, when it is too common,
   * only in the identifier fields (see the module comment).
   */
  queryTerms(query: string | string[], opts: Pick<LexicalSearchOptions, 'maxTerms' | 'postingBudget' | 'termCap'> = {}): QueryTerm[] {
    const tokens = typeof query === 'string' ? tokenizeQuery(query) : query.map((t) => ({ term: t.toLowerCase(), whole: true })).filter((t) => t.term);
    const tf = new Map<string, number>();
    const whole = new Set<string>();
    const compound = new Set<string>();
    const conceptOf = new Map<string, string>();
    let hyphenated = false; // inside the parts of a hyphenated word ("re-embedded", "read-only"): words, not identifier parts
    let current = '';
    tokens.forEach((t, i) => {
      tf.set(t.term, (tf.get(t.term) ?? 0) + 1);
      if (!t.whole) {
        if (!conceptOf.has(t.term)) conceptOf.set(t.term, current);
        if (hyphenated) whole.add(t.term);
        return;
      }
      current = t.term;
      conceptOf.set(t.term, t.term);
      whole.add(t.term);
      hyphenated = /^[a-z]+(?:-[a-z]+)+$/.test(t.term);
      if (tokens[i + 1] && !tokens[i + 1].whole) compound.add(t.term); // followed by its own parts
    });
    let terms = [...tf.keys()];
    const content = terms.filter((t) => !STOP.has(t) && t.length > 1);
    if (content.length) terms = content;
    const maxTerms = opts.maxTerms ?? 24;
    const budget = opts.postingBudget ?? 20_000;
    const termCap = opts.termCap ?? 8_000;
    // Repeated terms weigh more; a term that only occurs as part of a compound identifier weighs less.
    const base = (t: string) => Math.min(2, 1 + Math.log(tf.get(t)!) / 2) * (compound.has(t) ? COMPOUND_WEIGHT : whole.has(t) ? 1 : PART_WEIGHT);
    // Other forms of the query's plain words (short queries only), weighted lower; a form the query already has keeps its own weight.
    const variantOf = new Map<string, string>();
    if (terms.length <= MAX_EXPANDED_TERMS) {
      for (const t of terms) {
        if (!whole.has(t) || compound.has(t) || !PLAIN_WORD.test(t)) continue;
        for (const v of this.variants(t)) if (!tf.has(v) && !variantOf.has(v)) variantOf.set(v, t);
      }
    }
    const weight = (t: string) => (variantOf.has(t) ? base(variantOf.get(t)!) * VARIANT_WEIGHT : base(t));
    const plan = (term: string): (QueryTerm & { cost: number }) | undefined => {
      const per = this.engine.df(term);
      let fields: LexicalField[] | undefined;
      let cost = sum(per, FIELDS);
      if (cost === 0) return undefined; // matches nothing
      // A very common term only counts where it names something.
      for (const narrow of NARROWING) {
        if (cost <= termCap) break;
        fields = narrow;
        cost = sum(per, narrow);
      }
      if (fields && cost === 0) return undefined;
      const v = variantOf.get(term);
      const concept = conceptOf.get(v ?? term) ?? term;
      return { term, weight: weight(term), cost, ...(fields ? { fields } : {}), ...(v ? { variantOf: v } : {}), concept };
    };
    // The query's own terms, most selective first, then the most repeated; stop at the term cap or the posting
    // budget. Variants only fill what is left: they never displace a term of the query.
    const kept: QueryTerm[] = [];
    let spent = 0;
    const keep = (plans: (QueryTerm & { cost: number })[]) => {
      plans.sort((a, b) => higherFirst(b.cost, a.cost) || (tf.get(b.term) ?? 0) - (tf.get(a.term) ?? 0));
      for (const { cost, ...p } of plans) {
        if (kept.length >= maxTerms || (kept.length > 0 && spent + cost > budget)) break;
        kept.push(p);
        spent += cost;
      }
    };
    const defined = <T>(x: T | undefined): x is T => x !== undefined;
    keep(terms.map(plan).filter(defined));
    keep([...variantOf.keys()].map(plan).filter(defined));
    return kept;
  }

  /** Vocabulary terms with the same stem as `word` (itself excluded), at most MAX_VARIANTS. */
  variants(word: string): string[] {
    const vocab = this.engine.vocabulary;
    const st = this.stems;
    for (; st.upTo < vocab.length; st.upTo++) {
      const t = vocab[st.upTo];
      if (!PLAIN_WORD.test(t)) continue;
      const key = stem(t);
      const list = st.byStem.get(key);
      if (list) list.push(t);
      else st.byStem.set(key, [t]);
    }
    // Shortest first (the base form, `embed` for `embedded`, is what identifier parts use), then the rarest.
    // Forms sharing the word's stem, plus the stem itself and the forms whose stem the word is: suffix stripping
    // is crude (`embed` → `emb`), so `embedded` → `embed` and `embed` → `embedded` are reached through either side.
    const key = stem(word);
    const forms = new Set([...(st.byStem.get(key) ?? []), ...(st.byStem.get(word) ?? []), key]);
    return [...forms]
      .filter((t) => t !== word)
      .map((t) => ({ t, n: this.postingCount(t) }))
      .filter((x) => x.n > 0)
      .sort((a, b) => a.t.length - b.t.length || a.n - b.n)
      .slice(0, MAX_VARIANTS)
      .map((x) => x.t);
  }

  search(query: string | string[], k: number, opts: LexicalSearchOptions = {}): LexicalHit[] {
    if (k <= 0 || this.engine.size === 0) return [];
    const terms: QueryTerm[] = this.queryTerms(query, opts);
    if (opts.prefix && typeof query === 'string') {
      // Type-ahead: the last word may be unfinished; add vocabulary terms it starts (weighted lower).
      const last = tokenizeCode(query).pop();
      if (last && last.length >= 2) for (const t of termsWithPrefix(this.engine.vocabulary, last, 20)) terms.push({ term: t, weight: 0.5 });
    }
    if (!terms.length) return [];
    const boost = { ...DEFAULT_BOOST, ...opts.boost };
    const fieldIndex = (f: LexicalField) => FIELDS.indexOf(f);
    const hits = this.engine.search(
      terms.map((t) => ({ term: t.term, weight: t.weight, fields: t.fields?.map(fieldIndex) })),
      k,
      FIELDS.map((f) => boost[f]),
      { filter: opts.filter, requireAll: opts.combineWith === 'AND' },
    );
    const cover = queryCoverage(terms, (t) => Math.log(1 + this.engine.size / (1 + this.postingCount(t))));
    return hits.map((h) => {
      const matchedTerms = terms.filter((_, i) => i < 32 && h.matched & (1 << i)).map((t) => t.term); // the engine takes 32 terms
      return { id: h.id, score: h.score, matchedTerms, coverage: cover(h.matched) };
    });
  }

  // ---- persistence ---------------------------------------------------------------------------------------

  /** Writes the index atomically, stamped with `fingerprint` (e.g. what the chunks were derived from). */
  async save(file: string, fingerprint: string, opts: { fsync?: boolean } = {}): Promise<void> {
    const img = this.engine.image();
    const head = { schema: SCHEMA, fingerprint, fields: img.fields, terms: img.terms, docs: img.docs, lists: img.meta.length / 3 };
    const headBytes = Buffer.from(JSON.stringify(head));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(headBytes.length);
    const bytes = (a: Float32Array | Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    await writeFileChecked(file, [len, headBytes, ...img.lengths.map(bytes), bytes(img.meta), bytes(img.postings)], opts);
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
    const head = parseHead(buf, file);
    if (head.schema !== SCHEMA || head.fingerprint !== fingerprint) return undefined;
    try {
      let off = 4 + head.bytes;
      // Each section copied out on its own (typed arrays need aligned offsets); the postings become the index's.
      const take = <T extends Float32Array | Int32Array>(n: number, Type: new (n: number) => T): T => {
        if (!(n >= 0 && off + n * 4 <= buf.length)) throw new Error('short');
        const out = new Type(n); // both types have 4-byte elements
        new Uint8Array(out.buffer).set(buf.subarray(off, (off += n * 4)));
        return out;
      };
      const lengths = Array.from({ length: head.fields }, () => take(head.docs.length, Float32Array));
      const meta = take(head.lists * 3, Int32Array);
      let total = 0;
      for (let i = 2; i < meta.length; i += 3) total += meta[i];
      const postings = take(total, Int32Array);
      if (off !== buf.length) throw new Error('trailing bytes');
      return new LexicalIndex(Postings.fromImage({ fields: head.fields, terms: head.terms, docs: head.docs, lengths, meta, postings }));
    } catch (e) {
      throw new IntegrityError(file, 'bad-length', `lexical index body does not match its header (${(e as Error).message})`);
    }
  }

  /** Reads only the fingerprint a saved index was stamped with (undefined if missing/unreadable). */
  static async fingerprintOf(file: string): Promise<string | undefined> {
    try {
      return parseHead(await readFileChecked(file), file).fingerprint;
    } catch {
      return undefined;
    }
  }
}

interface Head {
  schema?: string;
  fingerprint?: string;
  fields: number;
  terms: string[];
  docs: (string | null)[];
  lists: number;
  bytes: number;
}

function parseHead(buf: Buffer, file: string): Head {
  try {
    const n = buf.readUInt32LE(0);
    return { ...(JSON.parse(buf.toString('utf8', 4, 4 + n)) as Omit<Head, 'bytes'>), bytes: n };
  } catch {
    throw new IntegrityError(file, 'bad-header', 'lexical header is not readable');
  }
}
