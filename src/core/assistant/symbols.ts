/**
 * `find_symbol` (definitions from the index's chunks: exact name/qualifiedName, then case-insensitive,
 * then suffix) and `find_references` (whole-word occurrences across indexed files, bounded).
 */
import { isSecretPath } from '../workspace/secrets';
import type { Chunk } from '../types';
import { addNumberedLines, BoundedText, cite } from './output';
import type { ToolContext, ToolOutcome } from './tools';

const NON_DEFINITIONS = new Set(['block', 'section']);
const MAX_DEFINITIONS = 20;
const DEFINITION_LINES = 15;
/** find_references reads at most this many files. */
const MAX_SCAN_FILES = 5000;

/** A definition as the tools report it: the chunk fields, its parts (split chunks) merged into one range. */
export type Definition = Pick<Chunk, 'path' | 'kind' | 'name' | 'qualifiedName' | 'startLine' | 'endLine' | 'signature' | 'doc'>;

/** Definitions matching `query`: the first non-empty tier of exact, case-insensitive, suffix matches. Split parts are merged. */
export function lookupDefinitions(chunks: Iterable<Chunk>, query: string): Definition[] {
  const q = query.trim();
  const ql = q.toLowerCase();
  const byKey = new Map<string, Definition>();
  for (const c of chunks) {
    if (NON_DEFINITIONS.has(c.kind) || isSecretPath(c.path)) continue;
    const key = `${c.path}\0${c.qualifiedName}\0${c.kind}`;
    const d = byKey.get(key);
    if (d) {
      d.startLine = Math.min(d.startLine, c.startLine);
      d.endLine = Math.max(d.endLine, c.endLine);
      if (!c.part || c.part.index === 1) { d.signature = c.signature; d.doc = c.doc; }
    } else {
      byKey.set(key, { path: c.path, kind: c.kind, name: c.name, qualifiedName: c.qualifiedName, startLine: c.startLine, endLine: c.endLine, signature: c.signature, doc: c.doc });
    }
  }
  const all = [...byKey.values()];
  const tiers: ((d: Definition) => boolean)[] = [
    (d) => d.name === q || d.qualifiedName === q,
    (d) => d.name.toLowerCase() === ql || d.qualifiedName.toLowerCase() === ql,
    (d) => d.qualifiedName.toLowerCase().endsWith(ql) || d.name.toLowerCase().endsWith(ql),
  ];
  for (const tier of tiers) {
    const found = all.filter(tier);
    if (found.length) return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.startLine - b.startLine));
  }
  return [];
}

export async function findSymbol(name: string, ctx: ToolContext): Promise<ToolOutcome> {
  if (!name.trim()) throw new Error('name must not be empty');
  const defs = lookupDefinitions(ctx.index.chunks(), name);
  if (!defs.length) {
    return { ok: true, content: `No definition named "${name}" in the index. Try search_code or find_references.`, summary: '0 definitions' };
  }
  const out = new BoundedText(ctx.settings.toolResultChars - 200);
  out.add(`${defs.length} definition(s) of "${name}":`);
  let shown = 0;
  for (const d of defs.slice(0, MAX_DEFINITIONS)) {
    const snap = await ctx.files.tryRead(d.path);
    if (!snap || d.startLine > snap.lines.length) continue;
    const end = Math.min(d.endLine, snap.lines.length);
    const docLine = d.doc.trim().split('\n')[0];
    const header = `\n${cite(d.path, d.startLine, end)} ${d.kind} ${d.qualifiedName}${docLine ? ` — ${docLine.slice(0, 160)}` : ''}`;
    const showEnd = Math.min(end, d.startLine + DEFINITION_LINES - 1);
    const last = addNumberedLines(out, header, snap.lines, d.startLine, showEnd);
    if (last < d.startLine) break;
    ctx.seen.add(d.path, d.startLine, last);
    shown++;
    if (last < end) out.note(`  … [lines ${last + 1}-${end} not shown; use read_file]`);
  }
  if (shown < defs.length) out.note(`[truncated: ${defs.length - shown} more definition(s) not shown]`);
  return { ok: true, content: out.toString(), summary: `${defs.length} definition(s)` };
}

function escapeRe(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

export async function findReferences(name: string, ctx: ToolContext): Promise<ToolOutcome> {
  const ident = name.trim();
  if (!ident) throw new Error('name must not be empty');
  if (ident.length > 200 || /\s/.test(ident)) throw new Error('name must be one identifier (no spaces)');
  const re = new RegExp(`(?<![\\w$])${escapeRe(ident)}(?![\\w$])`);
  const paths = [...ctx.index.files()].map((f) => f.path).filter((p) => !isSecretPath(p)).sort();
  const max = ctx.settings.maxReferences;
  const out = new BoundedText(ctx.settings.toolResultChars - 300);
  let total = 0;
  let shown = 0;
  let files = 0;
  let scanned = 0;
  for (const p of paths) {
    if (scanned >= MAX_SCAN_FILES) break;
    if (ctx.signal?.aborted) throw new Error('cancelled');
    scanned++;
    const snap = await ctx.files.tryRead(p, { cache: false });
    if (!snap) continue;
    let inFile = 0;
    let any = false;
    for (let i = 0; i < snap.lines.length; i++) {
      if (!re.test(snap.lines[i])) continue;
      total++;
      any = true;
      if (shown >= max || out.cut) continue;
      const first = inFile === 0;
      const line = snap.lines[i].length > 300 ? snap.lines[i].slice(0, 300) + ' …' : snap.lines[i];
      if (!out.add(`${first ? `\n${p}\n` : ''}${String(i + 1).padStart(5)}| ${line}`)) continue;
      ctx.seen.add(p, i + 1, i + 1);
      inFile++;
      shown++;
    }
    if (any) files++;
  }
  const notes: string[] = [];
  if (shown < total) notes.push(`showing ${shown} of ${total} occurrences`);
  if (scanned < paths.length) notes.push(`only the first ${scanned} of ${paths.length} files were searched`);
  if (total === 0) return { ok: true, content: `No occurrences of "${ident}" in ${scanned} indexed file(s).${notes.length ? ` [truncated: ${notes.join('; ')}]` : ''}`, summary: '0 references' };
  if (notes.length) out.note(`[truncated: ${notes.join('; ')}]`);
  return { ok: true, content: `${total} occurrence(s) of "${ident}" in ${files} file(s):` + out.toString(), summary: `${total} reference(s)` };
}
