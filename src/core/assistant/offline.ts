/**
 * The offline answer (no model configured — the default): extractive, from retrieval alone. The best
 * matching definitions (exact symbol matches for identifiers in the question first) with their signature,
 * doc comment and first lines, each cited; the citations go through the same verifier and only ranges
 * that exist in the files are cited, so all of them verify. Nothing leaves the machine.
 */
import { isSecretPath } from '../workspace/secrets';
import type { Chunk } from '../types';
import { groundedness, verifyCitations } from './citations';
import { abortError } from './errors';
import { cite } from './output';
import { WorkspaceFiles } from './files';
import { SeenLines } from './seen';
import { lookupDefinitions } from './symbols';
import { redactSecrets } from './redact';
import { newTraceId, type TraceStore } from './trace';
import { DEFAULT_SETTINGS, type AssistantSettings, type AssistantWorkspace, type TraceRecord, type TurnResult } from './types';
import { emptyUsage } from './agent';

export interface OfflineOptions {
  question: string;
  workspace: AssistantWorkspace;
  settings?: Partial<AssistantSettings>;
  /** Entries in the answer. Default 5. */
  maxEntries?: number;
  /** Lines of code shown per entry. Default 8. */
  snippetLines?: number;
  signal?: AbortSignal;
  trace?: TraceStore;
}

interface Entry {
  path: string;
  startLine: number;
  endLine: number;
  kind: string;
  name: string;
  signature: string;
  doc: string;
  language: string;
  score: number;
}

const DEFINITION_KINDS = new Set(['function', 'method', 'class', 'interface', 'struct', 'enum', 'trait', 'type', 'module', 'constant']);

/** Identifier-like words of the question (`code spans`, camelCase, snake_case, dotted names). */
function questionIdentifiers(q: string): string[] {
  const out = new Set<string>();
  for (const m of q.matchAll(/`([^`]+)`/g)) out.add(m[1].trim());
  for (const m of q.matchAll(/[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/g)) {
    const w = m[0];
    if (/[a-z][A-Z]|_|\./.test(w) || /^[A-Z][a-z]+[A-Z]/.test(w)) out.add(w);
  }
  return [...out].filter((w) => w.length >= 3);
}

function firstParagraph(doc: string, max = 300): string {
  const p = doc.trim().split(/\n\s*\n/)[0].replace(/\s+/g, ' ').trim();
  return p.length > max ? p.slice(0, max) + '…' : p;
}

/** Paths the citation syntax cannot carry are left out. */
const citable = (p: string) => !/[\s[\]`]/.test(p);

export async function answerOffline(opts: OfflineOptions): Promise<TurnResult> {
  const t0 = performance.now();
  const settings = { ...DEFAULT_SETTINGS, ...opts.settings };
  const maxEntries = opts.maxEntries ?? 5;
  const snippetLines = opts.snippetLines ?? 8;
  const files = new WorkspaceFiles(opts.workspace.root);
  const seen = new SeenLines();

  const candidates: Entry[] = [];
  const fromChunk = (c: Chunk, score: number): Entry => ({
    path: c.path, startLine: c.startLine, endLine: c.endLine, kind: c.kind, name: c.qualifiedName || c.name,
    signature: c.signature, doc: c.doc, language: c.language, score,
  });
  // Exact (or case-insensitive) definitions of identifiers named in the question come first.
  const chunks = [...opts.workspace.index.chunks()];
  const byKey = new Map<string, Chunk>();
  for (const c of chunks) if (!c.part || c.part.index === 1) byKey.set(`${c.path}\0${c.qualifiedName}\0${c.kind}`, c);
  for (const ident of questionIdentifiers(opts.question)) {
    const want = ident.toLowerCase();
    for (const d of lookupDefinitions(chunks, ident)) {
      if (d.name.toLowerCase() !== want && d.qualifiedName.toLowerCase() !== want) continue;
      const c = byKey.get(`${d.path}\0${d.qualifiedName}\0${d.kind}`);
      if (c) candidates.push({ ...fromChunk(c, Infinity), startLine: d.startLine, endLine: d.endLine });
    }
  }
  const hits = await opts.workspace.retriever.search(opts.question, Math.max(settings.contextChunks, maxEntries * 2));
  if (opts.signal?.aborted) throw abortError();
  const ranked = [...hits].sort((a, b) => Number(DEFINITION_KINDS.has(b.chunk.kind)) - Number(DEFINITION_KINDS.has(a.chunk.kind)) || b.score - a.score);
  for (const h of ranked) candidates.push(fromChunk(h.chunk, h.score));

  const entries: Entry[] = [];
  for (const e of candidates) {
    if (entries.length >= maxEntries) break;
    if (isSecretPath(e.path) || !citable(e.path)) continue;
    if (entries.some((x) => x.path === e.path && x.startLine <= e.startLine && e.endLine <= x.endLine)) continue;
    const snap = await files.tryRead(e.path);
    if (!snap || e.startLine < 1 || e.startLine > snap.lines.length) continue;
    entries.push({ ...e, endLine: Math.min(e.endLine, snap.lines.length) });
  }

  const parts: string[] = [];
  if (!entries.length) {
    parts.push(`No indexed code matches "${opts.question}". (Offline answer: no model is configured.)`);
  } else {
    parts.push(`Offline answer (no model configured): the code most relevant to "${opts.question}".`, '');
    for (const [i, e] of entries.entries()) {
      const { lines } = (await files.read(e.path));
      const ref = cite(e.path, e.startLine, e.endLine);
      const label = DEFINITION_KINDS.has(e.kind) ? `\`${e.name}\` (${e.kind})` : `${e.path} (${e.kind})`;
      const doc = firstParagraph(e.doc);
      parts.push(`${i + 1}. ${label}${doc ? ` — ${doc}` : ''} ${ref}`);
      const sigLine = e.signature.trim().split('\n')[0];
      const showEnd = Math.min(e.endLine, e.startLine + snippetLines - 1);
      const snippet = lines.slice(e.startLine - 1, showEnd).join('\n');
      parts.push('', '```' + (e.language || ''), snippet.includes('```') ? snippet.replace(/```/g, '``\u200b`') : snippet);
      parts.push('```');
      if (showEnd < e.endLine) parts.push(`(… ${e.endLine - showEnd} more line${e.endLine - showEnd === 1 ? '' : 's'} in the cited range)`);
      parts.push('');
      if (sigLine && !snippet.includes(sigLine)) parts.push(`Signature: \`${sigLine.replace(/`/g, "'")}\``, '');
      seen.add(e.path, e.startLine, e.endLine);
    }
  }
  // Nothing leaves the machine here, but traces may feed fine-tuning: secret-looking strings are redacted too.
  const { text: answer, count: redactions } = redactSecrets(parts.join('\n').trimEnd());
  const citations = await verifyCitations(answer, { files, seen });
  const id = newTraceId();
  const ms = Math.round(performance.now() - t0);
  const result: TurnResult = {
    id, answer, citations, groundedness: groundedness(citations), toolCalls: [], rounds: 0, repaired: false, ms, usage: emptyUsage(), redactions, model: 'offline',
  };
  if (opts.trace) {
    const rec: TraceRecord = {
      type: 'turn', v: 1, id, timestamp: new Date().toISOString(), question: opts.question, model: 'offline',
      retrieval: entries.map((e) => ({ path: e.path, startLine: e.startLine, endLine: e.endLine, score: Number.isFinite(e.score) ? e.score : 1 })),
      messages: [], toolCalls: [], answer, citations, groundedness: result.groundedness, rounds: 0, repaired: false, latencyMs: ms,
      usage: result.usage, redactions, rating: null,
    };
    await opts.trace.append(rec).catch(() => undefined);
  }
  return result;
}
