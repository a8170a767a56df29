/**
 * How much of a definition's name a query explains (the chunk features nameParts, nameCover, sigParts, leadName and
 * ownerParts): its identifier parts matched against the query's words, as themselves, as another form of them, written
 * short or long, or as a run of them written together.
 *
 * Parts are interned: every name that has the part `init` shares one record of it, and a query's verdict on that part
 * is kept on the record (stamped with the query's serial number), so each distinct part is judged once per query,
 * with no per-query tables to hash into. A chunk's own name's parts are kept with its declaration line's, as part ids
 * in one run per chunk (`declared`): the rank stage asks about ~900 candidates a query, and one lookup by the chunk
 * finds the parts of all four of its name features (a table of names cost ~1 ms a query in lookups; bench/RESULTS.md,
 * sessions 32 and 47). Class and module names (`ownerParts`) are records in a table, judged once per query each.
 */
import { stem } from '../text/stem';
import { identifierParts } from '../text/tokenize';
import { abbreviationPartners } from '../text/abbreviations';
import { isQuestionText } from './query';
import type { Signals } from './signals';
import { RunArena } from './runArena';

/** One identifier part (`init`), shared by every name that has it, with the last query's verdicts on it. */
interface Part {
  /** Its place in `partList`. */
  readonly id: number;
  readonly part: string;
  readonly stem: string;
  /** Serial of the query `hit` was worked out for (0: none); `sq` of `segments`'s, `pq` of `prefix`'s. */
  q: number;
  hit: boolean;
  sq: number;
  segments: number;
  pq: number;
  prefix: boolean;
}

/** A name's verdict: the share of its parts the query explains, and how many query words they stand for. */
interface Verdict {
  share: number;
  words: number;
}

/** One class or module name (`ownerParts`), its parts (ids into `partList`), and the last query's verdict on it. */
interface Name extends Verdict {
  readonly ids: readonly number[];
  q: number;
}

/** Owners' names recur across chunks and queries, so they are kept. Bounded: past MAX_NAMES the table starts over. */
const MAX_NAMES = 150_000;
const names = new Map<string, Name>();
const parts = new Map<string, Part>();
/**
 * Every part record, by `id` (the runs of `declared` and the name records hold ids). One per distinct part, so
 * bounded by the workspace's vocabulary; past MAX_PARTS, everything starts over when the next query begins
 * (`queryMemo`), the one time no run is being read.
 */
let partList: Part[] = [];
const MAX_PARTS = 600_000;

/** Part records held now (tests and statistics: past MAX_PARTS, the next query starts them over). */
export const namePartsKept = (): number => partList.length;

function startOver(): void {
  names.clear();
  parts.clear();
  identifierPartsOf.clear();
  partList = [];
  declared.clear();
}

function nameRecord(name: string): Name {
  let n = names.get(name);
  if (!n) {
    if (names.size >= MAX_NAMES) names.clear();
    n = { ids: partIds(name), q: 0, share: 0, words: 0 };
    names.set(name, n);
  }
  return n;
}

/** A name's identifier parts, as ids into `partList`. */
const partIds = (name: string): number[] => identifierParts(name).map((p) => partRecord(p).id);

function partRecord(p: string): Part {
  let r = parts.get(p);
  if (!r) {
    parts.set(p, (r = { id: partList.length, part: p, stem: stem(p), q: 0, hit: false, sq: 0, segments: 0, pq: 0, prefix: false }));
    partList.push(r);
  }
  return r;
}

/** What a query's name-part tests need of it, and its serial number, which stamps the verdicts kept on the records. */
interface QueryMemo {
  serial: number;
  /** The first two letters of every query token of 3+ letters: a part that starts otherwise is no run of them. */
  starts: Set<string>;
  /** The query's first content word and its stem ('' for issues, traces and questions). */
  lead: string;
  leadStem: string;
  /** A question in words (`isQuestionText`): no declaration-line or first-word features (see `chunkNameFeatures`). */
  question: boolean;
}
let lastSerial = 0;
const memoByQuery = new WeakMap<Signals, QueryMemo>();
function queryMemo(sig: Signals): QueryMemo {
  let memo = memoByQuery.get(sig);
  if (!memo) {
    if (partList.length >= MAX_PARTS) startOver();
    const starts = new Set<string>();
    for (const t of sig.queryTokens) if (t.length >= MIN_PIECE) starts.add(t.slice(0, 2));
    const question = !sig.isLong && isQuestionText(sig.parsed.raw);
    const lead = sig.isLong || question ? '' : (sig.parsed.words[0] ?? '');
    memoByQuery.set(sig, (memo = { serial: ++lastSerial, starts, lead, leadStem: lead && stem(lead), question }));
  }
  return memo;
}

/**
 * A part of a definition's name is in the query as itself or as another form of it (`embed` ~ "embedded",
 * `chunks` ~ "chunk"): stems compared both ways, since suffix stripping is crude (`embed` → `emb`). Outside issues
 * and traces, also written short or long (`async` ~ "asynchronously", `len` ~ "length", `configuration` ~ "cfg").
 */
function nameWordInQuery(p: Part, sig: Signals, memo: QueryMemo): boolean {
  if (p.q !== memo.serial) {
    p.q = memo.serial;
    p.hit = sig.queryTokens.has(p.part) || sig.queryStems.has(p.part) || sig.queryStems.has(p.stem) || sig.queryTokens.has(p.stem)
      || (!sig.isLong && (queryWordStartsWith(p, sig, memo) || abbreviationInQuery(p.part, sig)));
  }
  return p.hit;
}

/** A query word that the name part abbreviates or is an abbreviation of, by the lexicon (`len` ~ "length"). */
function abbreviationInQuery(part: string, sig: Signals): boolean {
  for (const w of abbreviationPartners(part)) if (sig.queryTokens.has(w)) return true;
  return false;
}

/**
 * A name part of 4+ letters written short for a longer query word (`async` for "asynchronously"). Not for issues and
 * traces (the caller): their hundreds of words match many parts by their first letters, and it cost issues function
 * MRR (bench/RESULTS.md, session 29).
 */
function queryWordStartsWith(p: Part, sig: Signals, memo: QueryMemo): boolean {
  const part = p.part;
  if (part.length < 4 || !LETTERS.test(part)) return false;
  if (p.pq !== memo.serial) {
    p.pq = memo.serial;
    p.prefix = false;
    for (const t of sig.queryTokens) if (t.length >= part.length + 2 && t.startsWith(part)) { p.prefix = true; break; }
  }
  return p.prefix;
}

const MIN_PIECE = 3;
const LETTERS = /^[a-z]+$/;

/**
 * How many query words a name part is the run of, written together (`progressbar` for "progress bar", `readouterr`
 * for "read out err"): at least two, each of 3+ letters (`in` + `it` would make `init`); 0 when it is not such a run.
 */
function querySegments(p: Part, sig: Signals, memo: QueryMemo): number {
  const part = p.part;
  if (part.length < 2 * MIN_PIECE || part.length > 40 || !LETTERS.test(part)) return 0;
  if (!memo.starts.has(part.slice(0, 2))) return 0;
  if (p.sq !== memo.serial) {
    p.sq = memo.serial;
    p.segments = segmentCount(part, sig.queryTokens);
  }
  return p.segments;
}

/** Most pieces `s` splits into, every piece (MIN_PIECE+ characters) in `words`; 0 when there is no split into 2 or more. */
function segmentCount(s: string, words: Set<string>): number {
  const best = new Int8Array(s.length + 1).fill(-1);
  best[0] = 0;
  for (let end = MIN_PIECE; end <= s.length; end++) {
    for (let start = Math.max(0, end - 24); start <= end - MIN_PIECE; start++) {
      if (best[start] >= 0 && best[start] + 1 > best[end] && words.has(s.slice(start, end))) best[end] = best[start] + 1;
    }
  }
  return best[s.length] >= 2 ? best[s.length] : 0;
}

/**
 * Judges a name (its part ids `ids[from, from + len)`) into `into`: the share of its parts the query explains, and how
 * many query words they stand for (`words`): the matched parts with distinct stems (two parts for one word, `save` and
 * `saved`, count once), or the words a part is a run of.
 */
function judgeName(ids: ArrayLike<number>, from: number, len: number, sig: Signals, memo: QueryMemo, into: Verdict): void {
  const list = partList;
  let hits = 0;
  let words = 0;
  for (let i = 0; i < len; i++) {
    const p = list[ids[from + i]];
    if (!nameWordInQuery(p, sig, memo)) {
      const k = querySegments(p, sig, memo);
      if (k) {
        hits++;
        words += k;
      }
      continue;
    }
    hits++;
    let again = false;
    for (let j = 0; j < i && !again; j++) {
      const o = list[ids[from + j]];
      again = o.stem === p.stem && nameWordInQuery(o, sig, memo);
    }
    if (!again) words++;
  }
  into.share = len ? hits / len : 0;
  into.words = words;
}

/** Share of the owner's name parts the query explains (`reader` of `DecompressionReader` for "Closes this reader"). */
export function ownerParts(owner: string, sig: Signals): number {
  const memo = queryMemo(sig);
  const n = nameRecord(owner);
  if (n.q !== memo.serial) {
    judgeName(n.ids, 0, n.ids.length, sig, memo, n);
    n.q = memo.serial;
  }
  return n.share;
}

/** Words of declaration lines that say nothing about the declaration (keywords, modifiers, receivers' names). */
const SIGNATURE_KEYWORDS = new Set([
  'def', 'func', 'function', 'fn', 'pub', 'public', 'private', 'protected', 'internal', 'static', 'async', 'await',
  'const', 'let', 'var', 'val', 'self', 'this', 'cls', 'return', 'void', 'new', 'class', 'struct', 'impl', 'interface',
  'export', 'default', 'final', 'override', 'virtual', 'abstract', 'readonly', 'mut', 'ref', 'out', 'params', 'where',
  'extends', 'implements', 'throws', 'template', 'typename', 'inline', 'extern', 'unsafe', 'get', 'set', 'sub', 'end',
]);

/**
 * An identifier's parts, by the identifier (`io.Writer`'s `Writer`): declaration lines share most of theirs. Only an
 * accelerator for working many lines out: `primeSignatures` empties it when it is done.
 */
const identifierPartsOf = new Map<string, readonly Part[]>();
const NO_PARTS: readonly Part[] = [];

function signatureParts(signature: string): number[] {
  if (identifierPartsOf.size >= MAX_NAMES) identifierPartsOf.clear();
  // Parts, not names: a parameter's name is not kept as a name record (they would crowd the definitions' out).
  const seen: number[] = [];
  for (const m of signature.slice(0, 400).matchAll(/[A-Za-z_$][\w$]*/g)) {
    const id = m[0];
    let idParts = identifierPartsOf.get(id);
    if (!idParts) {
      idParts = SIGNATURE_KEYWORDS.has(id.toLowerCase()) ? NO_PARTS : identifierParts(id).map(partRecord);
      identifierPartsOf.set(id, idParts);
    }
    for (const p of idParts) if (!seen.includes(p.id)) seen.push(p.id);
  }
  return seen;
}

/**
 * A chunk's run, by the chunk object (an open store keeps one per chunk): the number of its name's parts, their ids,
 * then its declaration line's part ids.
 */
type Declared = { readonly signature: string; readonly name: string };
const declared = new RunArena<Declared>();
const declaredParts = (c: Declared): number[] => {
  const own = partIds(c.name);
  const line = c.signature; // read once: an open store reads it back from disk
  return [own.length, ...own, ...(line ? signatureParts(line) : [])];
};

/**
 * Works out these chunks' runs (name and declaration-line parts) ahead of their first query (the warm-up does,
 * warmUp.ts), so that no query reads a signature back from the store: an open store keeps a chunk's signature off the
 * heap (index/chunkTexts.ts), and reading it back for each of a query's ~900 candidates cost ~4 ms of the rank stage
 * at 105k chunks (bench/RESULTS.md, session 37). Yields between slices. At 105k chunks: ~0.5 s.
 */
export async function primeSignatures(chunks: Iterable<Declared>, signal?: AbortSignal): Promise<void> {
  try {
    await declared.prime(chunks, declaredParts, 4096, signal);
  } finally {
    identifierPartsOf.clear();
  }
}

/** The stems of one signature's matched parts, reused from call to call (a query asks about ~900 candidates). */
const matchedStems: string[] = [];

/**
 * How many query words the rest of a declaration line explains, beside the name: its parameters, their types, the
 * result's type, the receiver (`writer` of `GenBashCompletionV2(w io.Writer, includeDesc bool)` for "… writes it to
 * the passed writer"), as a share of the query's words: its matched parts with distinct stems. Read from the chunk's
 * run at `at` in `ids`; 0 without a signature. Not for questions (the caller).
 */
function signatureShare(ids: Uint32Array, at: number, sig: Signals, memo: QueryMemo): number {
  const list = partList;
  matchedStems.length = 0;
  const own = at + 2;
  const ownEnd = own + ids[at + 1];
  for (let i = ownEnd, end = at + 1 + ids[at]; i < end; i++) {
    const p = list[ids[i]];
    if (!nameWordInQuery(p, sig, memo) || matchedStems.includes(p.stem)) continue;
    let ownPart = false;
    for (let j = own; j < ownEnd && !ownPart; j++) ownPart = list[ids[j]].part === p.part;
    if (!ownPart) matchedStems.push(p.stem);
  }
  return Math.min(1, matchedStems.length / sig.queryWordCount);
}

/** A chunk's name features (`chunkNameFeatures`), reused from call to call. */
const chunkNames = { share: 0, words: 0, sigParts: 0, leadName: 0 };

/**
 * A definition's name features, from its run (`declared`: found by one lookup by the chunk):
 * - `share`, `words`: how much of its own name the query explains (`judgeName`);
 * - `sigParts`: what the rest of its declaration line explains (`signatureShare`);
 * - `leadName`: 1 when the query's first word is the name's first part (`set` of `SetOut` for "sets the destination
 *   for usage messages", `write` of `write_dl` for "Writes a definition list…"): a doc sentence starts with what the
 *   function does, and a name with its verb. Not for issues and traces.
 * Neither of the last two for questions ("where is the session saved?"), which the question model ranks: fitted with
 * them on for questions, its cross-validated function MRR fell 0.796 → 0.775 (bench/RESULTS.md, session 37).
 * The record is reused: read it before asking about another chunk.
 */
export function chunkNameFeatures(c: Declared, sig: Signals): Readonly<typeof chunkNames> {
  const memo = queryMemo(sig); // first: it may start everything over
  const at = declared.offset(c, declaredParts);
  const ids = declared.numbers;
  judgeName(ids, at + 2, ids[at + 1], sig, memo, chunkNames);
  chunkNames.sigParts = memo.question ? 0 : signatureShare(ids, at, sig, memo);
  const first = memo.lead && ids[at + 1] ? partList[ids[at + 2]] : undefined;
  chunkNames.leadName = first && (first.part === memo.lead || first.stem === memo.leadStem) ? 1 : 0;
  return chunkNames;
}
