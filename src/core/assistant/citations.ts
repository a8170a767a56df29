/**
 * Citations: the one accepted form is `[path/to/file.ts:41-58]` (or `[path:41]`). Every citation in an
 * answer is parsed and verified against the workspace:
 *   missing-file — not a readable workspace file (absent, outside the root, a secret, binary);
 *   out-of-range — the line range does not exist in the file;
 *   verified     — the lines were seen by the model in this turn, or every code span (`ident`) written
 *                  just before the citation names an identifier that appears in the cited lines;
 *   not-seen     — otherwise.
 */
import { PathError, WorkspaceFiles } from './files';
import { SeenLines } from './seen';
import type { Citation, CitationStatus } from './types';

export interface ParsedCitation {
  path: string;
  startLine: number;
  endLine: number;
  raw: string;
  offset: number;
}

// Not after an identifier or a closing bracket (that is indexing: `xs[a:3]`).
const CITATION = /(?<![\w\])])\[([^\[\]\s`]+?):(\d+)(?:-(\d+))?\]/g;
const FENCED = /```[\s\S]*?(?:```|$)/g;

/** All citations in `answer`, in order; fenced code blocks are skipped. */
export function parseCitations(answer: string): ParsedCitation[] {
  const masked = answer.replace(FENCED, (m) => ' '.repeat(m.length));
  const out: ParsedCitation[] = [];
  for (const m of masked.matchAll(CITATION)) {
    const start = Number(m[2]);
    const end = m[3] !== undefined ? Number(m[3]) : start;
    out.push({ path: m[1].replace(/\\/g, '/').replace(/^(?:\.\/)+/, ''), startLine: start, endLine: end, raw: m[0], offset: m.index ?? 0 });
  }
  return out;
}

/** Identifiers inside the code spans of `text` (one list per span). */
function codeSpanIdentifiers(text: string): string[][] {
  const spans: string[][] = [];
  for (const m of text.matchAll(/`([^`\n]+)`/g)) {
    const ids = (m[1].match(/[A-Za-z_$][\w$]*/g) ?? []).filter((s) => s.length >= 3);
    if (ids.length) spans.push(ids);
  }
  return spans;
}

function escapeRe(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

export interface VerifyContext {
  /** The files (a WorkspaceFiles snapshot shares what the model saw), or the workspace root. */
  files: WorkspaceFiles | string;
  /** What the model saw this turn; empty when not given (then only the identifier check can verify). */
  seen?: SeenLines;
}

/** Parses and verifies every citation of `answer`. */
export async function verifyCitations(answer: string, ctx: VerifyContext): Promise<Citation[]> {
  const files = typeof ctx.files === 'string' ? new WorkspaceFiles(ctx.files) : ctx.files;
  const seen = ctx.seen ?? new SeenLines();
  const parsed = parseCitations(answer);
  const out: Citation[] = [];
  let prevEnd = 0;
  for (const c of parsed) {
    // The claim a citation supports: from the previous citation (or the start of its line) up to it.
    const lineStart = answer.lastIndexOf('\n', c.offset - 1) + 1;
    const claim = answer.slice(Math.max(prevEnd, lineStart), c.offset);
    prevEnd = c.offset + c.raw.length;
    const { status, reason } = await verifyOne(c, claim, files, seen);
    out.push({ path: c.path, startLine: c.startLine, endLine: c.endLine, status, raw: c.raw, offset: c.offset, reason });
  }
  return out;
}

async function verifyOne(c: ParsedCitation, claim: string, files: WorkspaceFiles, seen: SeenLines): Promise<{ status: CitationStatus; reason: string }> {
  let lines: string[];
  try {
    lines = (await files.read(c.path)).lines;
  } catch (e) {
    return { status: 'missing-file', reason: e instanceof PathError ? e.message : `cannot read "${c.path}"` };
  }
  if (c.startLine < 1 || c.endLine < c.startLine || c.endLine > lines.length) {
    return { status: 'out-of-range', reason: `"${c.path}" has ${lines.length} lines; ${c.startLine}-${c.endLine} is not a valid range` };
  }
  if (seen.covers(c.path, c.startLine, c.endLine)) return { status: 'verified', reason: 'seen' };
  const spans = codeSpanIdentifiers(claim);
  if (spans.length) {
    const cited = lines.slice(c.startLine - 1, c.endLine).join('\n');
    const found = (id: string) => new RegExp(`(?<![\\w$])${escapeRe(id)}(?![\\w$])`).test(cited);
    if (spans.every((ids) => ids.some(found))) return { status: 'verified', reason: 'identifiers' };
  }
  const seenHere = seen.ranges(c.path).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ');
  return { status: 'not-seen', reason: seenHere ? `lines ${c.startLine}-${c.endLine} were not all shown this turn (seen: ${seenHere})` : `"${c.path}" was not shown this turn` };
}

/** verified / total; 0 when there are no citations. */
export function groundedness(citations: readonly { status: CitationStatus }[]): number {
  if (citations.length === 0) return 0;
  return citations.filter((c) => c.status === 'verified').length / citations.length;
}

/** The repair instruction listing the citations that failed, or undefined when all verified. */
export function repairPrompt(citations: readonly Citation[]): string | undefined {
  const bad = citations.filter((c) => c.status !== 'verified');
  if (!bad.length) return undefined;
  const lines = bad.map((c) => `- ${c.raw}: ${c.status} — ${c.reason ?? ''}`);
  return [
    'Some citations in your answer failed verification:',
    ...lines,
    'Rewrite the whole answer. Fix each of these citations so it points at lines you were actually shown in this conversation (exact path and line numbers as displayed), or remove the citation and the claim it supports. Keep the citation form [path:start-end]. Do not call tools.',
  ].join('\n');
}
