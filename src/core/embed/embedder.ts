/**
 * The embedding provider contract shared by the builtin (offline, hashing) embedder and remote
 * OpenAI-compatible ones. Pure TypeScript, no `vscode`.
 *
 * The vector index is keyed by {@link embedderKey}: vectors from different providers, models or
 * dimensions are never mixed, and switching provider simply selects (or builds) another index.
 */
import { createHash } from 'node:crypto';
import { abortableSleep } from '../net/sleep';
import type { Chunk } from '../types';

export type EmbedKind = 'document' | 'query';

export interface EmbedOptions {
  signal?: AbortSignal;
  /** Some models embed queries and documents differently (instruction prefixes). Default 'document'. */
  kind?: EmbedKind;
}

export interface Embedder {
  /** Provider id: 'builtin' | 'openai'. */
  readonly id: string;
  readonly model: string;
  readonly dimension: number;
  /**
   * Anything else that changes the vectors for the same id/model/dimension (e.g. instruction prefixes).
   * Part of the key when set.
   */
  readonly variant?: string;
  /** One L2-normalised vector per text, in order. Rejects (never returns garbage) on failure. */
  embed(texts: string[], opts?: EmbedOptions): Promise<Float32Array[]>;
  /**
   * Optional: the vector to search with for a long query (a pasted issue, a stack trace), made from the query's own
   * vector. The builtin embedder leaves out its learned part there (see builtin.ts).
   */
  longQuery?(queryVector: Float32Array): Float32Array;
}

/** `${id}:${model}:${dimension}` (plus `:${variant}` when the embedder has one). */
export function embedderKey(e: Embedder): string {
  const base = `${e.id}:${e.model}:${e.dimension}`;
  return e.variant ? `${base}:${e.variant}` : base;
}

/**
 * A filesystem-safe, collision-free directory name for an embedder key:
 * `openai-text-embedding-3-small-1536-<8 hex of the full key>`. At most ~100 characters.
 */
export function embedderDirName(e: Embedder | string): string {
  const key = typeof e === 'string' ? e : embedderKey(e);
  const safe = key
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  const h = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return `${safe || 'embedder'}-${h}`;
}

/** Default bound on the text embedded for one chunk (characters). ~2–3k tokens of code. */
export const DEFAULT_MAX_EMBED_CHARS = 6000;

/**
 * What gets embedded for a chunk: path, qualified name, signature and doc as a short header,
 * then the text, bounded to `maxChars` (the header is always kept; the text is cut at a line end).
 */
export function chunkEmbeddingText(chunk: Chunk, maxChars = DEFAULT_MAX_EMBED_CHARS): string {
  const head: string[] = [chunk.path];
  if (chunk.qualifiedName && chunk.qualifiedName !== chunk.name) head.push(chunk.qualifiedName);
  else if (chunk.name) head.push(chunk.name);
  if (chunk.signature) head.push(chunk.signature.trim());
  const doc = chunk.doc.trim();
  if (doc) head.push(doc.length > 1000 ? doc.slice(0, 1000) : doc);
  let header = head.join('\n');
  if (header.length > maxChars / 2) header = header.slice(0, Math.floor(maxChars / 2));
  const room = maxChars - header.length - 1;
  let text = chunk.text;
  if (text.length > room) {
    text = text.slice(0, Math.max(0, room));
    const nl = text.lastIndexOf('\n');
    if (nl > room * 0.8) text = text.slice(0, nl);
  }
  return text ? `${header}\n${text}` : header;
}

/** Scales `v` in place to unit length (a zero vector stays zero). Returns `v`. */
export function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i] *= inv;
  }
  return v;
}

/** Dot product; equals cosine similarity for normalised vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/** The error thrown by embedders: `code` says what kind of failure it is, `message` says what to do. */
export type EmbeddingErrorCode =
  | 'unreachable' // connection refused, DNS failure, reset
  | 'timeout'
  | 'auth' // 401/403
  | 'model-not-found'
  | 'rate-limited' // 429 after all retries
  | 'server' // 5xx after all retries
  | 'bad-request' // other 4xx
  | 'bad-response' // malformed body: wrong count, dimension, non-numeric
  | 'aborted';

export class EmbeddingError extends Error {
  constructor(
    readonly code: EmbeddingErrorCode,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = code === 'aborted' ? 'AbortError' : 'EmbeddingError';
  }
}

export function abortError(): EmbeddingError {
  return new EmbeddingError('aborted', 'embedding was cancelled');
}

/** Sleeps `ms`, rejecting with an abort error as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return abortableSleep(ms, signal, abortError);
}
