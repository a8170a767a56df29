/**
 * The assistant's read-only tools: specs (JSON schema, strict), argument validation and dispatch. Every
 * failure — malformed JSON, unknown tool, bad arguments, unsafe path — becomes a tool error the model can
 * read (`ERROR: …`), never an exception. Results are bounded and say when they were cut; every line shown
 * is recorded in `seen` so citations of it verify.
 */
import { isSecretPath } from '../workspace/secrets';
import { PathError, type WorkspaceFiles } from './files';
import { globMatcher } from './glob';
import { addNumberedLines, BoundedText, cite } from './output';
import type { ToolSpec } from './promptTools';
import type { SeenLines } from './seen';
import { findReferences, findSymbol } from './symbols';
import { TOOL, TOOL_NAMES, isToolName, type ToolName } from './toolNames';
import type { AssistantSettings, ChunkSource, Retriever } from './types';

export interface ToolContext {
  files: WorkspaceFiles;
  index: ChunkSource;
  retriever: Retriever;
  seen: SeenLines;
  settings: AssistantSettings;
  signal?: AbortSignal;
}

export interface ToolOutcome {
  ok: boolean;
  /** What is sent back to the model (before redaction). */
  content: string;
  /** One line for the UI. */
  summary: string;
}

const nullable = (type: string, description: string) => ({ type: [type, 'null'], description });

export const TOOL_SPECS: ToolSpec[] = [
  {
    name: TOOL.searchCode,
    description: 'Search the indexed workspace (lexical + semantic) for code relevant to a query. Returns the best matching definitions with line-numbered excerpts.',
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', description: 'What to look for: identifiers, or a description of behaviour.' }, k: nullable('integer', 'Results wanted (1-10); null for 5.') },
      required: ['query', 'k'],
      additionalProperties: false,
    },
  },
  {
    name: TOOL.readFile,
    description: 'Read lines of a workspace file (path relative to the workspace root). Returns line-numbered text, at most 200 lines per call.',
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Workspace-relative path, e.g. src/index.ts.' },
        startLine: nullable('integer', 'First line (1-based); null for 1.'),
        endLine: nullable('integer', 'Last line (inclusive); null for startLine + 199.'),
      },
      required: ['path', 'startLine', 'endLine'],
      additionalProperties: false,
    },
  },
  {
    name: TOOL.findSymbol,
    description: 'Find where a symbol (function, class, method, type, …) is defined, by name or qualified name (e.g. parse, Parser.parse).',
    parameters: { type: 'object', properties: { name: { type: 'string', description: 'Symbol name or qualified name.' } }, required: ['name'], additionalProperties: false },
  },
  {
    name: TOOL.findReferences,
    description: 'Find occurrences of an identifier (whole word) across the indexed files, with line numbers.',
    parameters: { type: 'object', properties: { name: { type: 'string', description: 'The identifier.' } }, required: ['name'], additionalProperties: false },
  },
  {
    name: TOOL.listFiles,
    description: 'List indexed workspace files matching a glob (`**/*.ts`, `src/**`, `*.py`; a pattern without "/" matches file names at any depth).',
    parameters: { type: 'object', properties: { glob: nullable('string', 'Glob pattern; null for all files.') }, required: ['glob'], additionalProperties: false },
  },
];

if (TOOL_SPECS.length !== TOOL_NAMES.length) throw new Error('assistant: a tool is missing its spec');

class ArgError extends Error {}

type Args = Record<string, unknown>;

/** Parses and checks arguments against the tool's schema (missing nullable fields count as null). */
function parseArgs(name: ToolName, raw: string): Args {
  let v: unknown;
  try {
    v = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch (e) {
    throw new ArgError(`arguments are not valid JSON (${(e as Error).message}); send one JSON object matching the ${name} schema`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ArgError('arguments must be a JSON object');
  const args = v as Args;
  const schema = TOOL_SPECS.find((t) => t.name === name)!.parameters as { properties: Record<string, { type: string | string[] }>; required: string[] };
  const extra = Object.keys(args).filter((k) => !(k in schema.properties));
  if (extra.length) throw new ArgError(`unknown argument(s) ${extra.join(', ')}; ${name} takes ${Object.keys(schema.properties).join(', ')}`);
  for (const [key, prop] of Object.entries(schema.properties)) {
    const types = Array.isArray(prop.type) ? prop.type : [prop.type];
    const val = args[key];
    if (val === undefined || val === null) {
      if (!types.includes('null')) throw new ArgError(`missing required argument "${key}" (${types[0]})`);
      args[key] = null;
      continue;
    }
    const ok = types.some((t) => (t === 'integer' ? Number.isInteger(val) : t === 'string' ? typeof val === 'string' : false));
    if (!ok) throw new ArgError(`argument "${key}" must be ${types.filter((t) => t !== 'null').join(' or ')}${types.includes('null') ? ' or null' : ''}, got ${JSON.stringify(val)}`);
  }
  return args;
}

/** Runs one tool call. Never throws (except on cancellation). */
export async function executeTool(name: string, rawArgs: string, ctx: ToolContext): Promise<ToolOutcome> {
  const fail = (msg: string): ToolOutcome => ({ ok: false, content: `ERROR: ${msg}`, summary: `error: ${msg.slice(0, 120)}` });
  if (!isToolName(name)) return fail(`unknown tool "${name}". Available tools: ${TOOL_NAMES.join(', ')}`);
  let args: Args;
  try {
    args = parseArgs(name, rawArgs);
  } catch (e) {
    return fail(`${name}: ${(e as Error).message}`);
  }
  try {
    switch (name) {
      case TOOL.searchCode: return await searchCode(String(args.query), args.k as number | null, ctx);
      case TOOL.readFile: return await readFile(args.path, args.startLine as number | null, args.endLine as number | null, ctx);
      case TOOL.findSymbol: return await findSymbol(String(args.name), ctx);
      case TOOL.findReferences: return await findReferences(String(args.name), ctx);
      case TOOL.listFiles: return listFiles(args.glob as string | null, ctx);
    }
  } catch (e) {
    if (ctx.signal?.aborted) throw e;
    if (e instanceof PathError || e instanceof ArgError) return fail(`${name}: ${e.message}`);
    return fail(`${name} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function readFile(pathArg: unknown, startArg: number | null, endArg: number | null, ctx: ToolContext): Promise<ToolOutcome> {
  const { rel, lines } = await ctx.files.read(pathArg);
  const total = lines.length;
  if (total === 0) return { ok: true, content: `${rel} is empty (0 lines).`, summary: `${rel}: empty` };
  const max = ctx.settings.maxReadLines;
  const start = startArg ?? 1;
  if (start < 1 || start > total) throw new ArgError(`startLine ${start} is out of range: ${rel} has ${total} lines`);
  let end = endArg ?? start + max - 1;
  if (end < start) throw new ArgError(`endLine ${end} is before startLine ${start}`);
  const notes: string[] = [];
  if (end > total) end = total;
  if (end - start + 1 > max) {
    end = start + max - 1;
    notes.push(`at most ${max} lines per call`);
  }
  const out = new BoundedText(ctx.settings.toolResultChars - 200);
  const last = addNumberedLines(out, `${rel} (lines ${start}-${end} of ${total}):`, lines, start, end);
  if (last < end) notes.push('the character limit was reached');
  if (last >= start) ctx.seen.add(rel, start, last);
  const requested = Math.min(endArg ?? total, total);
  if (last < requested) {
    out.note(`[truncated: showing lines ${start}-${last} of ${total} (${notes.join('; ')}); call read_file with startLine=${last + 1} for more]`);
  }
  return { ok: true, content: out.toString(), summary: `${rel}:${start}-${last}` };
}

async function searchCode(query: string, k: number | null, ctx: ToolContext): Promise<ToolOutcome> {
  if (!query.trim()) throw new ArgError('query must not be empty');
  const want = Math.min(Math.max(1, k ?? 5), ctx.settings.maxSearchResults);
  const hits = (await ctx.retriever.search(query, want)).filter((h) => !isSecretPath(h.chunk.path));
  if (!hits.length) return { ok: true, content: `No results for "${query}".`, summary: '0 results' };
  const out = new BoundedText(ctx.settings.toolResultChars - 200);
  let shown = 0;
  for (const h of hits) {
    const c = h.chunk;
    const snap = await ctx.files.tryRead(c.path);
    if (!snap || c.startLine > snap.lines.length) continue;
    const end = Math.min(c.endLine, snap.lines.length, c.startLine + 29);
    const label = [c.kind, c.qualifiedName || c.name].filter(Boolean).join(' ');
    const header = `\n${cite(c.path, c.startLine, Math.min(c.endLine, snap.lines.length))} ${label} (score ${h.score.toFixed(3)})`;
    const last = addNumberedLines(out, header, snap.lines, c.startLine, end);
    if (last < c.startLine) break;
    ctx.seen.add(c.path, c.startLine, last);
    shown++;
    if (last < Math.min(c.endLine, snap.lines.length)) out.note(`  … [cut: lines ${last + 1}-${Math.min(c.endLine, snap.lines.length)} not shown; use read_file]`);
  }
  if (shown < hits.length) out.note(`[truncated: ${hits.length - shown} more result(s) not shown]`);
  return { ok: true, content: `${shown} result(s) for "${query}":` + out.toString(), summary: `${shown} result(s)` };
}

function listFiles(glob: string | null, ctx: ToolContext): ToolOutcome {
  let match: (p: string) => boolean;
  try {
    match = globMatcher(glob ?? '**');
  } catch (e) {
    throw new ArgError(`bad glob "${glob}": ${(e as Error).message}`);
  }
  const paths = [...ctx.index.files()].map((f) => f.path).filter((p) => !isSecretPath(p) && match(p)).sort();
  if (!paths.length) return { ok: true, content: `No indexed files match "${glob ?? '**'}".`, summary: '0 files' };
  const out = new BoundedText(ctx.settings.toolResultChars - 200);
  out.add(`${paths.length} indexed file(s) match "${glob ?? '**'}":`);
  let n = 0;
  for (const p of paths) {
    if (n >= ctx.settings.maxListFiles || !out.add(p)) break;
    n++;
  }
  if (n < paths.length) out.note(`[truncated: showing ${n} of ${paths.length}; narrow the glob]`);
  return { ok: true, content: out.toString(), summary: `${paths.length} file(s)` };
}
