/**
 * A token-budgeted context pack for a model: the best hits first, no line twice, overlapping and adjacent
 * ranges of one file merged into one section, line numbers kept, the budget respected.
 *
 * Every chunk is reduced to a verbatim line range first: whole chunks are verbatim; a split part's text ends
 * with its lines; a class summary (member bodies elided) keeps its verbatim head (signature, doc, fields) up
 * to the first elision — its members come in as their own hits.
 */
import type { Chunk } from '../types';

export interface PackSection {
  path: string;
  startLine: number;
  endLine: number;
  text: string;
  /** Ranks (0-based, in the hits given) of the hits that contributed. */
  from: number[];
}

export interface ContextPack {
  sections: PackSection[];
  tokens: number;
  budget: number;
  /** Hits left out because they did not fit (or added nothing new). */
  dropped: number;
}

export interface PackOptions {
  /** Tokens of a text; default ⌈chars / 4⌉. */
  countTokens?: (text: string) => number;
  /** Tokens charged per section header (path and lines). Default 12. */
  headerTokens?: number;
}

export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/** The verbatim lines of a chunk: [first line number, lines]. */
export function verbatimLines(c: Chunk): { start: number; lines: string[] } {
  const lines = c.text.split('\n');
  const n = c.endLine - c.startLine + 1;
  if (lines.length === n) return { start: c.startLine, lines };
  if (lines.length > n) return { start: c.startLine, lines: lines.slice(lines.length - n) };
  const head: string[] = [];
  for (const l of lines) {
    if (/(^|[\s:{(])…\s*[})]?\s*;?$/.test(l)) break;
    head.push(l);
  }
  return { start: c.startLine, lines: head.length ? head : lines.slice(0, 1) };
}

interface Range {
  start: number;
  end: number;
  from: number[];
}

/** Packs `hits` (best first) into at most `budget` tokens. */
export function contextPack(hits: readonly { chunk: Chunk }[], budget: number, opts: PackOptions = {}): ContextPack {
  const count = opts.countTokens ?? estimateTokens;
  const header = opts.headerTokens ?? 12;
  const lineText = new Map<string, Map<number, string>>();
  const ranges = new Map<string, Range[]>();
  const fileOrder: string[] = [];
  let tokens = 0;
  let dropped = 0;
  hits.forEach(({ chunk }, rank) => {
    const { start, lines } = verbatimLines(chunk);
    const end = start + lines.length - 1;
    const have = lineText.get(chunk.path) ?? new Map<number, string>();
    const fileRanges = ranges.get(chunk.path) ?? [];
    let cost = 0;
    const fresh: number[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (have.has(start + i)) continue;
      fresh.push(i);
      cost += count(lines[i] + '\n');
    }
    if (!fresh.length) {
      dropped++;
      return;
    }
    // A new section header unless the range touches or overlaps an existing one.
    const touches = fileRanges.some((r) => start <= r.end + 1 && end >= r.start - 1);
    if (!touches) cost += header;
    if (tokens + cost > budget) {
      dropped++;
      return;
    }
    tokens += cost;
    for (const i of fresh) have.set(start + i, lines[i]);
    lineText.set(chunk.path, have);
    if (!ranges.has(chunk.path)) fileOrder.push(chunk.path);
    fileRanges.push({ start, end, from: [rank] });
    ranges.set(chunk.path, mergeRanges(fileRanges));
  });
  const sections: PackSection[] = [];
  for (const path of fileOrder) {
    const have = lineText.get(path)!;
    for (const r of ranges.get(path)!) {
      const text: string[] = [];
      for (let l = r.start; l <= r.end; l++) text.push(have.get(l) ?? '');
      sections.push({ path, startLine: r.start, endLine: r.end, text: text.join('\n'), from: r.from });
    }
  }
  return { sections, tokens, budget, dropped };
}

function mergeRanges(rs: Range[]): Range[] {
  const sorted = [...rs].sort((a, b) => a.start - b.start);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end + 1) {
      last.end = Math.max(last.end, r.end);
      last.from = [...new Set([...last.from, ...r.from])].sort((a, b) => a - b);
    } else out.push({ ...r, from: [...r.from] });
  }
  return out;
}

/** The pack as text: one fenced section per range, headed `path:start-end`, with line numbers kept. */
export function renderPack(pack: ContextPack): string {
  return pack.sections.map((s) => `${s.path}:${s.startLine}-${s.endLine}\n\`\`\`\n${s.text}\n\`\`\``).join('\n\n');
}
