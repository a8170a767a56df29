/**
 * A local OpenAI-compatible test server: a real `http` server on 127.0.0.1 (random port) with a route
 * table, a scripted queue of replies per route, and a record of every request received. Tests point
 * the real `openai` SDK at `server.baseURL`.
 *
 *   const server = await OpenAITestServer.start({ dimension: 8 });
 *   server.script('POST /v1/embeddings', [{ status: 429, headers: { 'retry-after': '0' } }]); // then default
 *   server.script('/v1/embeddings', [{ destroy: true }, { hang: true }, (req) => ({ json: … })]);
 *   server.route('POST', '/v1/rerank', (req) => ({ json: { results: [] } }));            // default handler
 *   server.routeMatching('GET', /^\/v1\/things\/[^/]+$/, (req) => ({ json: {} }));         // by pattern, when no exact route
 *   server.onRequest((req) => …);
 *   server.requestsTo('/v1/embeddings').length;
 *   await server.close();
 *
 * A route is `METHOD /path` or just `/path` (POST). Scripted replies are consumed first, one per
 * request; when the queue is empty the route's default handler answers (404 JSON if none).
 * Streaming (SSE) replies: `{ sse: [obj, obj, '[DONE]'], chunkDelayMs }` or raw `{ chunks: [...] }`.
 *
 * Chat completions: `chatReply({ content, toolCalls, fragments })` answers as SSE when the request asks
 * for `stream: true` and as one JSON body otherwise; tool-call arguments are split into `fragments`
 * pieces per call, interleaved across calls by `index` (as real servers stream parallel calls).
 *   server.script('/v1/chat/completions', [chatReply({ toolCalls: [{ name: 'read_file', arguments: {…} }] }), chatReply({ content: 'done' })]);
 *   chatBodies(server)[1].messages  // what the client sent in the second request
 *
 * Uploads: `parseMultipart(req)` splits a multipart/form-data body (`/v1/files`) into its parts.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';

export * from './openaiReplies';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Parsed JSON body, undefined if not JSON. */
  json?: unknown;
  /** `METHOD /path` */
  route: string;
}

export interface Reply {
  status?: number; // default 200
  json?: unknown;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Destroy the socket without answering (connection reset). */
  destroy?: boolean;
  /** Never answer (until the client gives up or the server closes). */
  hang?: boolean;
  /** Server-sent events: each item is sent as `data: <item>\n\n` (objects JSON-encoded). */
  sse?: unknown[];
  /** Raw body pieces written one by one (e.g. a stream cut short); combine with `destroy` to cut it. */
  chunks?: (string | Buffer)[];
  /** Delay between SSE events / chunks. */
  chunkDelayMs?: number;
}

export type ReplyFn = (req: RecordedRequest) => Reply | Promise<Reply>;
export type ScriptedReply = Reply | ReplyFn;

export interface TestServerOptions {
  /** Dimension of the default fake embeddings. Default 8. */
  dimension?: number;
}

/** Deterministic fake embedding of a text (unit length), as the default `/v1/embeddings` route returns. */
export function fakeEmbedding(text: string, dimension: number): number[] {
  const out: number[] = [];
  let block = Buffer.alloc(0);
  for (let i = 0; out.length < dimension; i++) {
    if (i % 8 === 0) block = createHash('sha256').update(`${text}\0${i / 8}`).digest();
    out.push(block.readInt32LE((i % 8) * 4) / 2 ** 31);
  }
  const n = Math.sqrt(out.reduce((s, x) => s + x * x, 0)) || 1;
  return out.map((x) => x / n);
}

export class OpenAITestServer {
  readonly requests: RecordedRequest[] = [];
  dimension: number;
  private readonly routes = new Map<string, ReplyFn>();
  private readonly patterns: { method: string; pattern: RegExp; handler: ReplyFn }[] = [];
  private readonly scripts = new Map<string, ScriptedReply[]>();
  private readonly listeners: ((req: RecordedRequest) => void)[] = [];
  private constructor(private readonly server: http.Server, opts: TestServerOptions) {
    this.dimension = opts.dimension ?? 8;
    this.route('POST', '/v1/embeddings', (req) => this.defaultEmbeddings(req));
  }

  static async start(opts: TestServerOptions = {}): Promise<OpenAITestServer> {
    const server = http.createServer();
    const s = new OpenAITestServer(server, opts);
    server.on('request', (req, res) => void s.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return s;
  }

  /** `http://127.0.0.1:<port>` */
  get origin(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** `http://127.0.0.1:<port>/v1`: the SDK's baseURL. */
  get baseURL(): string {
    return `${this.origin}/v1`;
  }

  /** Sets the default handler of a route. */
  route(method: string, path: string, handler: ReplyFn): this {
    this.routes.set(`${method.toUpperCase()} ${path}`, handler);
    return this;
  }

  /** Sets the default handler of every `METHOD path` matching `pattern` that has no exact route (e.g. `/v1/fine_tuning/jobs/<id>`). */
  routeMatching(method: string, pattern: RegExp, handler: ReplyFn): this {
    this.patterns.push({ method: method.toUpperCase(), pattern, handler });
    return this;
  }

  /** Queues replies for a route (`POST /v1/embeddings` or `/v1/embeddings`); consumed one per request. */
  script(route: string, replies: ScriptedReply[]): this {
    const key = normRoute(route);
    this.scripts.set(key, [...(this.scripts.get(key) ?? []), ...replies]);
    return this;
  }

  /** Called for every request, after it is recorded and before it is answered. */
  onRequest(fn: (req: RecordedRequest) => void): this {
    this.listeners.push(fn);
    return this;
  }

  requestsTo(route: string): RecordedRequest[] {
    const key = normRoute(route);
    return this.requests.filter((r) => r.route === key);
  }

  /** Forgets recorded requests and pending scripts (routes stay). */
  reset(): void {
    this.requests.length = 0;
    this.scripts.clear();
  }

  /** Scripted replies not consumed yet. */
  pending(route: string): number {
    return this.scripts.get(normRoute(route))?.length ?? 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.origin);
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      json,
      route: `${req.method} ${url.pathname}`,
    };
    this.requests.push(rec);
    for (const fn of this.listeners) fn(rec);
    const queue = this.scripts.get(rec.route);
    const scripted = queue?.shift();
    let reply: Reply;
    try {
      if (scripted) reply = typeof scripted === 'function' ? await scripted(rec) : scripted;
      else {
        const handler = this.routes.get(rec.route) ?? this.patterns.find((p) => p.method === rec.method && p.pattern.test(rec.path))?.handler;
        reply = handler ? await handler(rec) : { status: 404, json: { error: { message: `no route ${rec.route}`, type: 'not_found' } } };
      }
    } catch (e) {
      reply = { status: 500, json: { error: { message: `test server handler threw: ${String(e)}` } } };
    }
    await this.send(reply, res);
  }

  private async send(reply: Reply, res: http.ServerResponse): Promise<void> {
    if (reply.delayMs) await wait(reply.delayMs);
    if (reply.hang) return; // closeAllConnections() ends it
    if (reply.destroy && !reply.chunks) {
      res.socket?.destroy();
      return;
    }
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    if (reply.sse) {
      res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
      for (const ev of reply.sse) {
        if (res.destroyed) return;
        res.write(`data: ${typeof ev === 'string' ? ev : JSON.stringify(ev)}\n\n`);
        if (reply.chunkDelayMs) await wait(reply.chunkDelayMs);
      }
      res.end();
      return;
    }
    if (reply.chunks) {
      res.writeHead(reply.status ?? 200, headers);
      for (const c of reply.chunks) {
        if (res.destroyed) return;
        res.write(c);
        if (reply.chunkDelayMs) await wait(reply.chunkDelayMs);
      }
      if (reply.destroy) res.socket?.destroy();
      else res.end();
      return;
    }
    let payload: string | Buffer = '';
    if (reply.json !== undefined) {
      payload = JSON.stringify(reply.json);
      headers['content-type'] ??= 'application/json';
    } else if (reply.body !== undefined) payload = reply.body;
    res.writeHead(reply.status ?? 200, headers);
    res.end(payload);
  }

  /** Default `/v1/embeddings`: one fake vector per input, honouring `encoding_format`. */
  private defaultEmbeddings(req: RecordedRequest): Reply {
    const body = (req.json ?? {}) as { input?: unknown; model?: string; encoding_format?: string; dimensions?: number };
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const dim = body.dimensions ?? this.dimension;
    return {
      json: {
        object: 'list',
        model: body.model,
        data: inputs.map((text, index) => {
          const v = fakeEmbedding(String(text), dim);
          const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v;
          return { object: 'embedding', index, embedding };
        }),
        usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
      },
    };
  }
}

function normRoute(route: string): string {
  return route.startsWith('/') ? `POST ${route}` : route.replace(/^(\S+)\s+/, (_, m: string) => `${m.toUpperCase()} `);
}

function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
