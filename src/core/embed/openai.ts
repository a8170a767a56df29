/**
 * Embeddings from any OpenAI-compatible `/embeddings` endpoint (OpenAI, Azure OpenAI v1, Ollama,
 * LM Studio, vLLM, TEI, …) through the `openai` SDK.
 *
 * The SDK's own retries are turned off (`maxRetries: 0`): its backoff sleep ignores the AbortSignal.
 * Retries here: exponential backoff with jitter on 408/409/429/5xx, timeouts and connection resets,
 * honouring `Retry-After` / `retry-after-ms`; abortable at every point. Responses are validated
 * (count, order, dimension, finite numbers) and normalised; garbage is never returned.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { createHash } from 'node:crypto';
import { deepMessage, errorCode, isRetryableSdkError, retryAfterMs, serverMessage } from '../net/http';
import { abortError, EmbeddingError, l2normalize, sleep, type Embedder, type EmbedOptions } from './embedder';

export interface OpenAIEmbedderOptions {
  /** e.g. `https://api.openai.com/v1`, `http://localhost:11434/v1` (Ollama), `http://localhost:1234/v1`. */
  baseURL: string;
  /** Not needed by most local servers. Never logged or put in an error message. */
  apiKey?: string;
  model: string;
  /** Vector size; probed with one request when unknown (see {@link createOpenAIEmbedder}). */
  dimension?: number;
  /** Send `dimensions` in the request (OpenAI text-embedding-3-* can shorten vectors). Default false. */
  requestDimensions?: boolean;
  /** Inputs per request. Default 64. */
  batchSize?: number;
  /** Requests in flight. Default 2. */
  concurrency?: number;
  /** Per request (per attempt). Default 60 000. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 4. */
  maxRetries?: number;
  /** First backoff delay; doubles each retry, with jitter, up to maxBackoffMs. Defaults 500 / 20 000. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Upper bound on a server-requested Retry-After wait. Default 60 000. */
  maxRetryAfterMs?: number;
  /** Instruction prefixes for models that want them (nomic: `search_query: `, e5: `query: `). */
  queryPrefix?: string;
  documentPrefix?: string;
  /** Extra headers (e.g. Azure `api-key`) and query parameters (e.g. Azure `api-version`). */
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** For tests or proxies. */
  fetch?: typeof globalThis.fetch;
}

export type ResolvedOpenAIEmbedderOptions = OpenAIEmbedderOptions & { dimension: number };

/** Creates the embedder, probing the dimension with one request when it is not configured. */
export async function createOpenAIEmbedder(opts: OpenAIEmbedderOptions, signal?: AbortSignal): Promise<OpenAIEmbedder> {
  if (opts.dimension) return new OpenAIEmbedder({ ...opts, dimension: opts.dimension });
  const probe = new OpenAIEmbedder({ ...opts, dimension: 0 });
  const [v] = await probe.embed(['dimension probe'], { signal });
  return new OpenAIEmbedder({ ...opts, dimension: v.length });
}

export class OpenAIEmbedder implements Embedder {
  readonly id = 'openai';
  readonly model: string;
  readonly dimension: number;
  readonly variant?: string;
  private readonly client: OpenAI;
  private readonly o: Required<Pick<OpenAIEmbedderOptions, 'batchSize' | 'concurrency' | 'timeoutMs' | 'maxRetries' | 'initialBackoffMs' | 'maxBackoffMs' | 'maxRetryAfterMs'>>;
  private readonly url: string;

  /** `dimension: 0` accepts any dimension (used for probing); use {@link createOpenAIEmbedder} normally. */
  constructor(private readonly opts: ResolvedOpenAIEmbedderOptions) {
    if (!opts.baseURL) throw new Error('openai embedder: baseURL is required');
    if (!opts.model) throw new Error('openai embedder: model is required');
    this.model = opts.model;
    this.dimension = opts.dimension;
    this.url = opts.baseURL.replace(/\/+$/, '');
    if (opts.queryPrefix || opts.documentPrefix) {
      this.variant = 'p' + createHash('sha256').update(`${opts.queryPrefix ?? ''}\0${opts.documentPrefix ?? ''}`).digest('hex').slice(0, 8);
    }
    this.o = {
      batchSize: Math.max(1, opts.batchSize ?? 64),
      concurrency: Math.max(1, opts.concurrency ?? 2),
      timeoutMs: Math.max(1, opts.timeoutMs ?? 60_000),
      maxRetries: Math.max(0, opts.maxRetries ?? 4),
      initialBackoffMs: opts.initialBackoffMs ?? 500,
      maxBackoffMs: opts.maxBackoffMs ?? 20_000,
      maxRetryAfterMs: opts.maxRetryAfterMs ?? 60_000,
    };
    this.client = new OpenAI({
      baseURL: this.url,
      // The SDK refuses to start without a key; local servers ignore it.
      apiKey: opts.apiKey || 'not-needed',
      maxRetries: 0,
      timeout: this.o.timeoutMs,
      defaultHeaders: opts.headers,
      defaultQuery: opts.query,
      fetch: opts.fetch,
      logLevel: 'off',
    });
  }

  async embed(texts: string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    if (opts.signal?.aborted) throw abortError();
    const prefix = (opts.kind === 'query' ? this.opts.queryPrefix : this.opts.documentPrefix) ?? '';
    // Most servers reject empty strings.
    const inputs = texts.map((t) => prefix + (t.length ? t : ' '));
    const batches: number[] = [];
    for (let i = 0; i < inputs.length; i += this.o.batchSize) batches.push(i);
    const out: Float32Array[] = new Array(texts.length);

    // One failure cancels the batches still in flight.
    const inner = new AbortController();
    const onAbort = () => inner.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let next = 0;
    let failure: unknown;
    const worker = async () => {
      while (next < batches.length && failure === undefined) {
        const start = batches[next++];
        const slice = inputs.slice(start, start + this.o.batchSize);
        try {
          const vs = await this.embedBatch(slice, inner.signal);
          for (let k = 0; k < vs.length; k++) out[start + k] = vs[k];
        } catch (e) {
          if (failure === undefined) failure = e;
          inner.abort();
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.o.concurrency, batches.length) }, worker));
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    if (opts.signal?.aborted) throw abortError();
    if (failure !== undefined) throw failure;
    return out;
  }

  /** One batch with retries. */
  private async embedBatch(input: string[], signal: AbortSignal): Promise<Float32Array[]> {
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw abortError();
      try {
        return await this.request(input, signal);
      } catch (e) {
        const err = this.classify(e, input.length);
        if (err.code === 'aborted' || signal.aborted) throw abortError();
        const retryable = isRetryable(e);
        if (!retryable || attempt >= this.o.maxRetries) {
          if (retryable && attempt > 0) err.message += ` (after ${attempt} ${attempt === 1 ? 'retry' : 'retries'})`;
          throw err;
        }
        await sleep(this.backoff(attempt, e), signal);
      }
    }
  }

  private async request(input: string[], signal: AbortSignal): Promise<Float32Array[]> {
    const body: OpenAI.EmbeddingCreateParams = { model: this.model, input, encoding_format: 'float' };
    if (this.opts.requestDimensions && this.dimension) body.dimensions = this.dimension;
    // encoding_format 'float' explicitly: with the SDK default (base64) the SDK decodes number arrays
    // from servers that ignore the parameter into garbage.
    const res: unknown = await this.client.embeddings.create(body, { signal, timeout: this.o.timeoutMs, maxRetries: 0 });
    return this.validate(res, input.length);
  }

  /** Checks a response body and returns one normalised vector per input, in input order. */
  private validate(res: unknown, expected: number): Float32Array[] {
    const bad = (what: string) =>
      new EmbeddingError('bad-response', `malformed embeddings response from ${this.url} (model "${this.model}"): ${what}`);
    const data = (res as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) throw bad('no "data" array');
    if (data.length !== expected) throw bad(`expected ${expected} vectors, got ${data.length}`);
    const out: Float32Array[] = new Array(expected);
    for (let k = 0; k < data.length; k++) {
      const item = data[k] as { index?: unknown; embedding?: unknown } | null;
      const idx = typeof item?.index === 'number' ? item.index : k;
      if (!Number.isInteger(idx) || idx < 0 || idx >= expected || out[idx]) throw bad(`bad or duplicate index ${String(item?.index)}`);
      const v = toVector(item?.embedding);
      if (typeof v === 'string') throw bad(`vector ${idx}: ${v}`);
      const want = this.dimension;
      if (want && v.length !== want) {
        throw bad(`vector ${idx} has dimension ${v.length}, expected ${want} — did the model change? Set the dimension to ${v.length} to re-index with it`);
      }
      if (v.length === 0) throw bad(`vector ${idx} is empty`);
      out[idx] = l2normalize(v);
    }
    return out;
  }

  private backoff(attempt: number, e: unknown): number {
    const ra = e instanceof APIError ? retryAfterMs(e.headers) : undefined;
    if (ra !== undefined) return Math.min(ra, this.o.maxRetryAfterMs);
    const base = Math.min(this.o.maxBackoffMs, this.o.initialBackoffMs * 2 ** attempt);
    return base * (0.5 + Math.random() * 0.5);
  }

  /** Turns any failure into an EmbeddingError with an actionable message. */
  private classify(e: unknown, batch: number): EmbeddingError {
    if (e instanceof EmbeddingError) return e;
    const at = `embeddings server at ${this.url}`;
    if (e instanceof APIUserAbortError) return abortError();
    if (e instanceof APIConnectionTimeoutError) {
      return new EmbeddingError('timeout', `embeddings request to ${this.url} timed out after ${this.o.timeoutMs} ms (batch of ${batch}) — is the server overloaded? Raise the timeout or lower the batch size`, undefined, { cause: e });
    }
    if (e instanceof APIConnectionError) {
      const code = errorCode(e);
      const detail = code ?? this.scrub(deepMessage(e));
      const hint = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'check the base URL' : 'is it running?';
      return new EmbeddingError('unreachable', `cannot reach ${at}: ${detail} — ${hint}`, undefined, { cause: e });
    }
    if (e instanceof APIError) {
      const status = e.status ?? 0;
      const msg = this.scrub(serverMessage(e));
      if (status === 401 || status === 403) {
        // The server's message may echo part of the key: leave it out.
        return new EmbeddingError('auth', `${at} rejected the request (${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}) — check the API key${this.opts.apiKey ? '' : ' (none is set)'}`, status);
      }
      const code = (e as { code?: unknown }).code;
      if ((status === 404 || status === 400) && (code === 'model_not_found' || /model/i.test(msg) && /not (be )?found|does not exist|unknown|pull/i.test(msg))) {
        return new EmbeddingError('model-not-found', `model "${this.model}" not found at ${this.url}${msg ? `: ${msg}` : ''} — check the model name (Ollama: \`ollama pull ${this.model}\`)`, status);
      }
      if (status === 404) {
        return new EmbeddingError('bad-request', `${this.url}/embeddings was not found (404) — check the base URL (it usually ends in /v1)${msg ? `: ${msg}` : ''}`, status);
      }
      if (status === 429) return new EmbeddingError('rate-limited', `rate limited by ${at} (429)${msg ? `: ${msg}` : ''} — lower the concurrency or batch size, or try later`, status);
      if (status >= 500) return new EmbeddingError('server', `${at} failed with ${status}${msg ? `: ${msg}` : ''}`, status);
      if (status === 413) return new EmbeddingError('bad-request', `${at} rejected the request as too large (413) — lower the batch size`, status);
      return new EmbeddingError('bad-request', `${at} rejected the request (${status})${msg ? `: ${msg}` : ''}`, status);
    }
    const m = e instanceof Error ? e.message : String(e);
    return new EmbeddingError('bad-response', `embeddings request to ${this.url} failed: ${this.scrub(m)}`, undefined, { cause: e });
  }

  private scrub(s: string): string {
    const key = this.opts.apiKey;
    return key && key.length >= 4 ? s.split(key).join('***') : s;
  }
}

const isRetryable = isRetryableSdkError;

export { retryAfterMs } from '../net/http';

/** A Float32Array, or a string saying what is wrong. Accepts number arrays and base64 float32. */
function toVector(emb: unknown): Float32Array | string {
  if (Array.isArray(emb)) {
    const v = new Float32Array(emb.length);
    for (let i = 0; i < emb.length; i++) {
      const x = emb[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) return `non-numeric value ${JSON.stringify(x)} at position ${i}`;
      v[i] = x;
    }
    return v;
  }
  if (typeof emb === 'string') {
    const buf = Buffer.from(emb, 'base64');
    if (buf.length === 0 || buf.length % 4 !== 0) return 'undecodable base64 embedding';
    const v = new Float32Array(buf.length / 4);
    for (let i = 0; i < v.length; i++) {
      v[i] = buf.readFloatLE(i * 4);
      if (!Number.isFinite(v[i])) return `non-finite value at position ${i}`;
    }
    return v;
  }
  return `embedding is ${emb === null ? 'null' : typeof emb}, not a list of numbers`;
}
