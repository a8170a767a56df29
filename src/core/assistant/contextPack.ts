/**
 * The context pack: the top retrieved chunks as line-numbered excerpts (read from the files, so the
 * numbers are the file's), within a token budget. Every line included is recorded as seen.
 */
import { isSecretPath } from '../workspace/secrets';
import type { WorkspaceFiles } from './files';
import { addNumberedLines, BoundedText, cite } from './output';
import type { SeenLines } from './seen';
import type { SearchHit } from './types';

export interface ContextPack {
  text: string;
  items: { path: string; startLine: number; endLine: number; score: number }[];
  /** Hits left out or cut for the budget. */
  truncated: boolean;
}

/** Minimum lines worth including of a chunk cut by the budget. */
const MIN_LINES = 4;

export async function buildContextPack(hits: SearchHit[], files: WorkspaceFiles, seen: SeenLines, budgetTokens: number): Promise<ContextPack> {
  const out = new BoundedText(Math.max(0, budgetTokens * 4));
  const items: ContextPack['items'] = [];
  const taken = new Map<string, [number, number][]>();
  let truncated = false;
  for (const h of hits) {
    const c = h.chunk;
    if (isSecretPath(c.path)) continue;
    const snap = await files.tryRead(c.path);
    if (!snap || c.startLine > snap.lines.length) continue;
    const end = Math.min(c.endLine, snap.lines.length);
    // Skip a chunk already covered by an earlier one (class summary vs. its method).
    const ranges = taken.get(c.path) ?? [];
    if (ranges.some(([a, b]) => a <= c.startLine && end <= b)) continue;
    if (out.remaining < 200) {
      truncated = true;
      break;
    }
    const label = [c.kind, c.qualifiedName || c.name].filter(Boolean).join(' ');
    const last = addNumberedLines(out, `\n${cite(c.path, c.startLine, end)} ${label}`, snap.lines, c.startLine, end);
    if (last < c.startLine + Math.min(MIN_LINES, end - c.startLine + 1) - 1) {
      truncated = true;
      if (last < c.startLine) continue;
    }
    seen.add(c.path, c.startLine, last);
    ranges.push([c.startLine, last]);
    taken.set(c.path, ranges);
    items.push({ path: c.path, startLine: c.startLine, endLine: last, score: h.score });
    if (last < end) {
      out.note(`   … [cut: lines ${last + 1}-${end} not shown]`);
      truncated = true;
    }
  }
  return { text: out.toString().trim(), items, truncated };
}
