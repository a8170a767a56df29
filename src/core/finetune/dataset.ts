/**
 * Dataset export: traces → selected → converted → near-duplicates removed → split → JSONL files.
 *
 * Near-duplicate rule: a question is normalised (lower case, punctuation and code quotes dropped,
 * whitespace collapsed); two questions are near-duplicates when the normalised texts are equal or the
 * Jaccard similarity of their word-bigram sets (unigrams for one-word questions) is ≥ the threshold
 * (default 0.8). Of a group the best turn is kept: rated 👍 before unrated, then the earliest.
 *
 * Split rule: an example goes to validation when sha256(`<seed>:<trace id>`) read as a fraction in [0, 1)
 * is below `valFraction`; the same trace always lands on the same side, whatever else is in the store.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { abortError } from '../assistant/errors';
import type { TraceStore } from '../assistant/trace';
import type { TraceRecord } from '../assistant/types';
import { DEFAULT_TOOL_RESULT_CHARS, exclusionReason, traceToExample, type ConvertOptions } from './convert';
import { exampleDefects } from './validate';
import type { ExclusionReason, FtExample, FtProgress } from './types';

export interface TraceSource {
  store: TraceStore;
  /** Take unrated turns of this store (synthesized turns, verified by construction). */
  includeUnrated?: boolean;
}

export interface ExportOptions extends ConvertOptions {
  sources: TraceSource[];
  /** Take unrated turns of every source. */
  includeUnrated?: boolean;
  /** Share of examples for validation, 0–0.5. Default 0.1. */
  valFraction?: number;
  /** Salt of the split hash. Default 'pinpoint'. */
  seed?: string;
  /** Jaccard threshold of the near-duplicate rule, (0, 1]. Default 0.8. */
  dedupeThreshold?: number;
  onProgress?(p: FtProgress): void;
  signal?: AbortSignal;
}

export interface ExportedExample {
  id: string;
  question: string;
  split: 'train' | 'validation';
  example: FtExample;
}

export interface ExportResult {
  examples: ExportedExample[];
  train: FtExample[];
  validation: FtExample[];
  /** Turns read, across sources. */
  read: number;
  /** Lines of the trace files that could not be read. */
  skippedLines: number;
  excluded: Partial<Record<ExclusionReason, number>>;
  /** Dropped near-duplicates: the kept id and the dropped one. */
  duplicates: { kept: string; dropped: string }[];
}

export const DEFAULT_VAL_FRACTION = 0.1;
export const DEFAULT_DEDUPE_THRESHOLD = 0.8;

export function normaliseQuestion(q: string): string {
  return q.toLowerCase().replace(/[`'"“”‘’]/g, '').replace(/[^\p{L}\p{N}_.]+/gu, ' ').replace(/\.(?=\s|$)/g, '').replace(/\s+/g, ' ').trim();
}

function shingles(norm: string): Set<string> {
  const words = norm.split(' ').filter(Boolean);
  if (words.length < 2) return new Set(words);
  const out = new Set<string>();
  for (let i = 0; i + 1 < words.length; i++) out.add(`${words[i]} ${words[i + 1]}`);
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size && !b.size) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** Keeps the first of each near-duplicate group (input order decides); returns kept items and drops. */
export function dedupe<T>(items: T[], question: (t: T) => string, threshold = DEFAULT_DEDUPE_THRESHOLD): { kept: T[]; dropped: { kept: T; dropped: T }[] } {
  const kept: { item: T; norm: string; sh: Set<string> }[] = [];
  const byNorm = new Map<string, T>();
  const dropped: { kept: T; dropped: T }[] = [];
  for (const item of items) {
    const norm = normaliseQuestion(question(item));
    const same = byNorm.get(norm);
    if (same !== undefined) {
      dropped.push({ kept: same, dropped: item });
      continue;
    }
    const sh = shingles(norm);
    // |A∩B| / |A∪B| ≥ t needs min(|A|,|B|) / max(|A|,|B|) ≥ t: skip pairs of very different sizes.
    const near = kept.find((k) => Math.min(k.sh.size, sh.size) >= threshold * Math.max(k.sh.size, sh.size) && jaccard(k.sh, sh) >= threshold);
    if (near) {
      dropped.push({ kept: near.item, dropped: item });
      continue;
    }
    kept.push({ item, norm, sh });
    byNorm.set(norm, item);
  }
  return { kept: kept.map((k) => k.item), dropped };
}

/** Which side of the split a trace id falls on (deterministic). */
export function splitOf(id: string, valFraction: number, seed = 'pinpoint'): 'train' | 'validation' {
  const h = createHash('sha256').update(`${seed}:${id}`).digest();
  return h.readUInt32BE(0) / 2 ** 32 < valFraction ? 'validation' : 'train';
}

/** Runs the export in memory (see `writeDataset` for the files). */
export async function exportDataset(o: ExportOptions): Promise<ExportResult> {
  const valFraction = o.valFraction ?? DEFAULT_VAL_FRACTION;
  if (!(valFraction >= 0 && valFraction <= 0.5)) throw new RangeError(`the validation fraction must be between 0 and 0.5, got ${valFraction}`);
  const excluded: ExportResult['excluded'] = {};
  const count = (r: ExclusionReason) => (excluded[r] = (excluded[r] ?? 0) + 1);
  const candidates: { rec: TraceRecord; example: FtExample; up: boolean }[] = [];
  let read = 0;
  let skippedLines = 0;
  for (const src of o.sources) {
    o.onProgress?.({ message: `reading ${src.store.file}`, done: read });
    const { records, skipped } = await src.store.read();
    skippedLines += skipped;
    for (const rec of records) {
      if (o.signal?.aborted) throw abortError();
      read++;
      const reason = exclusionReason(rec, { includeUnrated: o.includeUnrated || src.includeUnrated });
      if (reason) {
        count(reason);
        continue;
      }
      let example: FtExample;
      try {
        example = traceToExample(rec, { toolResultChars: o.toolResultChars ?? DEFAULT_TOOL_RESULT_CHARS, tools: o.tools });
      } catch {
        count('malformed');
        continue;
      }
      if (exampleDefects(example).length) {
        count('malformed');
        continue;
      }
      candidates.push({ rec, example, up: rec.rating === 'up' });
    }
  }
  // 👍 first, then the earliest: the first of each near-duplicate group is kept.
  candidates.sort((a, b) => Number(b.up) - Number(a.up) || a.rec.timestamp.localeCompare(b.rec.timestamp) || a.rec.id.localeCompare(b.rec.id));
  const { kept, dropped } = dedupe(candidates, (c) => c.rec.question, o.dedupeThreshold ?? DEFAULT_DEDUPE_THRESHOLD);
  for (let i = 0; i < dropped.length; i++) count('duplicate');
  // The files list examples in time order.
  kept.sort((a, b) => a.rec.timestamp.localeCompare(b.rec.timestamp) || a.rec.id.localeCompare(b.rec.id));
  const examples: ExportedExample[] = kept.map((c) => ({ id: c.rec.id, question: c.rec.question, split: splitOf(c.rec.id, valFraction, o.seed), example: c.example }));
  o.onProgress?.({ message: `${examples.length} example(s) selected of ${read} turn(s)`, done: read, total: read });
  return {
    examples,
    train: examples.filter((e) => e.split === 'train').map((e) => e.example),
    validation: examples.filter((e) => e.split === 'validation').map((e) => e.example),
    read,
    skippedLines,
    excluded,
    duplicates: dropped.map((d) => ({ kept: d.kept.rec.id, dropped: d.dropped.rec.id })),
  };
}

export function toJsonl(examples: FtExample[]): string {
  return examples.map((e) => JSON.stringify(e) + '\n').join('');
}

/** `train.jsonl` → `train.val.jsonl` */
export function defaultValPath(trainPath: string): string {
  return trainPath.endsWith('.jsonl') ? trainPath.slice(0, -'.jsonl'.length) + '.val.jsonl' : trainPath + '.val.jsonl';
}

export interface WrittenDataset {
  trainFile: string;
  /** Undefined when the validation split is empty. */
  validationFile?: string;
  manifestFile: string;
}

/**
 * Writes the training file, the validation file (when not empty) and `<train>.manifest.json` (which
 * trace ids went where, exclusion counts, the rules used). Files are written whole, then renamed.
 */
export async function writeDataset(res: ExportResult, trainFile: string, o: { valFile?: string; valFraction?: number; seed?: string; dedupeThreshold?: number; toolResultChars?: number } = {}): Promise<WrittenDataset> {
  const valFile = o.valFile ?? defaultValPath(trainFile);
  const manifestFile = trainFile.replace(/\.jsonl$/, '') + '.manifest.json';
  await fs.mkdir(path.dirname(path.resolve(trainFile)), { recursive: true });
  await atomicWrite(trainFile, toJsonl(res.train));
  if (res.validation.length) await atomicWrite(valFile, toJsonl(res.validation));
  const manifest = {
    format: 'openai-chat-finetune-with-tools',
    version: 1,
    created: new Date().toISOString(),
    rules: {
      valFraction: o.valFraction ?? DEFAULT_VAL_FRACTION,
      seed: o.seed ?? 'pinpoint',
      dedupeThreshold: o.dedupeThreshold ?? DEFAULT_DEDUPE_THRESHOLD,
      toolResultChars: o.toolResultChars ?? DEFAULT_TOOL_RESULT_CHARS,
    },
    read: res.read,
    excluded: res.excluded,
    duplicates: res.duplicates,
    train: res.examples.filter((e) => e.split === 'train').map((e) => e.id),
    validation: res.examples.filter((e) => e.split === 'validation').map((e) => e.id),
  };
  await atomicWrite(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  return { trainFile, validationFile: res.validation.length ? valFile : undefined, manifestFile };
}

async function atomicWrite(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, file);
}
