/**
 * What a file is to the file-grain BM25 (RepoView.fileBm25): its path's tokens plus its chunks' text tokens
 * (tokenizeCode, ≥ 2 characters: the lexical index's `text` field), each chunk's count of a term capped at 255
 * as in the lexical index's postings.
 *
 * Two ways to the same counts: `fileCounts` tokenizes one file's chunks (a file that changed), and
 * `allFileCounts` sums the lexical index's `text` postings per file, for a whole index at once. Tokenizing every
 * chunk of a 105k-chunk index took ~10 s of a first search; summing postings takes a fraction of that.
 */
import type { Chunk } from '../types';
import type { FileEntry, VectorStore } from '../index/vectorStore';
import type { LexicalIndex } from '../index/lexical';
import { TF_MASK as MAX_TF } from '../index/postings';
import { tokenizeCode, tokenizePath } from '../text/tokenize';

export function fileCounts(path: string, chunks: readonly Chunk[]): { tf: Map<string, number>; length: number } {
  const tf = new Map<string, number>();
  const pathTokens = tokenizePath(path);
  for (const t of pathTokens) tf.set(t, (tf.get(t) ?? 0) + 1);
  let length = pathTokens.length;
  const per = new Map<string, number>();
  for (const c of chunks) {
    const tokens = tokenizeCode(c.text, { minLength: 2 });
    length += tokens.length;
    per.clear();
    for (const t of tokens) per.set(t, (per.get(t) ?? 0) + 1);
    for (const [t, n] of per) tf.set(t, (tf.get(t) ?? 0) + Math.min(n, MAX_TF));
  }
  return { tf, length };
}

/** Where `allFileCounts` puts the counts: the files (document i is files[i]), then each term once. */
export interface FileCountsSink {
  begin(files: readonly FileEntry[], lengths: Float64Array): void;
  term(term: string, files: Int32Array, tfs: Int32Array, n: number): void;
}

/**
 * `fileCounts` of every file of the store, from the lexical index's postings, into `sink`. False (and nothing
 * sent) when the lexical index is not in step with the store (a chunk of either is missing from the other). A
 * generator: it yields every few thousand terms so a caller can slice the work, and stops (false) if
 * `stillValid()` turns false; the sink then holds part of the counts.
 */
export function* allFileCounts(store: VectorStore, lexical: LexicalIndex, sink: FileCountsSink, stillValid: () => boolean): Generator<void, boolean> {
  const lex = lexical.textPostings();
  const files = [...store.files()];
  const fileOf = new Map(files.map((f, i) => [f.path, i]));
  const docFile = new Int32Array(lex.docs.length).fill(-1);
  const lengths = new Float64Array(files.length);
  let mapped = 0;
  lex.docs.forEach((id, n) => {
    const c = id === null ? undefined : store.getChunk(id);
    if (!c) return;
    docFile[n] = fileOf.get(c.path)!;
    lengths[docFile[n]] += lex.length(n);
    mapped++;
  });
  if (mapped !== store.stats().chunks) return false;
  const pathTf = new Map<string, Map<number, number>>();
  files.forEach((f, i) => {
    for (const t of tokenizePath(f.path)) {
      let m = pathTf.get(t);
      if (!m) pathTf.set(t, (m = new Map()));
      m.set(i, (m.get(i) ?? 0) + 1);
      lengths[i]++;
    }
  });
  sink.begin(files, lengths);
  const acc = new Int32Array(files.length);
  const touched = new Int32Array(files.length);
  const tfs = new Int32Array(files.length);
  let nt = 0;
  const add = (fi: number, n: number) => {
    if (fi < 0) return;
    if (acc[fi] === 0) touched[nt++] = fi;
    acc[fi] += n;
  };
  const emit = (term: string) => {
    if (!nt) return;
    const docs = touched.subarray(0, nt).sort();
    for (let i = 0; i < nt; i++) {
      tfs[i] = acc[docs[i]];
      acc[docs[i]] = 0;
    }
    sink.term(term, docs, tfs, nt);
    nt = 0;
  };
  for (let t = 0; t < lex.terms.length; t++) {
    lex.forEach(t, (doc, tf) => add(docFile[doc], tf));
    const term = lex.terms[t];
    const p = pathTf.get(term);
    if (p) {
      for (const [fi, n] of p) add(fi, n);
      pathTf.delete(term);
    }
    emit(term);
    if (t % 4096 === 4095) {
      yield;
      if (!stillValid()) return false;
    }
  }
  for (const [term, p] of pathTf) {
    for (const [fi, n] of p) add(fi, n);
    emit(term);
  }
  return true;
}
