/**
 * Replies of the OpenAI-compatible test server (openaiTestServer.ts, which re-exports all of this): chat completions
 * as SSE or JSON with scripted tool calls, what the client sent, and multipart uploads as received.
 */
import type { OpenAITestServer, RecordedRequest, ReplyFn } from './openaiTestServer';

// ---------------------------------------------------------------- chat completions

export interface ChatToolCallSpec {
  /** Default `call_<n>`. */
  id?: string;
  name: string;
  /** A string is sent verbatim (use it for malformed JSON); an object is JSON-encoded. */
  arguments: string | Record<string, unknown>;
}

export interface ChatReplySpec {
  /** Assistant text; an array is streamed as those deltas. */
  content?: string | string[];
  toolCalls?: ChatToolCallSpec[];
  /** Pieces each tool call's arguments are split into when streaming. Default 3. */
  fragments?: number;
  /** Default `tool_calls` when there are tool calls, else `stop`. `null` omits it (a stream cut short). */
  finishReason?: string | null;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens?: number };
  model?: string;
  /** Delay between SSE events. */
  chunkDelayMs?: number;
  /** Leave out the final `[DONE]`. */
  noDone?: boolean;
}

/** Splits `s` into `n` pieces of near-equal length (some may be empty when `s` is short). */
function split(s: string, n: number): string[] {
  const out: string[] = [];
  const size = Math.ceil(s.length / Math.max(1, n));
  for (let i = 0; i < n; i++) out.push(s.slice(i * size, (i + 1) * size));
  return out;
}

/** The SSE events of one streamed chat completion. */
export function chatSSEEvents(spec: ChatReplySpec, model = 'test-chat'): unknown[] {
  const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1700000000, model: spec.model ?? model };
  const ev = (delta: Record<string, unknown>, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const events: unknown[] = [ev({ role: 'assistant', content: '' })];
  const parts = spec.content === undefined ? [] : Array.isArray(spec.content) ? spec.content : [spec.content];
  for (const p of parts) events.push(ev({ content: p }));
  const calls = (spec.toolCalls ?? []).map((c, i) => ({
    id: c.id ?? `call_${i}`,
    name: c.name,
    pieces: split(typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments), spec.fragments ?? 3),
  }));
  calls.forEach((c, index) => events.push(ev({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] })));
  const rounds = Math.max(0, ...calls.map((c) => c.pieces.length));
  for (let r = 0; r < rounds; r++) {
    calls.forEach((c, index) => {
      if (c.pieces[r]) events.push(ev({ tool_calls: [{ index, function: { arguments: c.pieces[r] } }] }));
    });
  }
  const finish = spec.finishReason === undefined ? (calls.length ? 'tool_calls' : 'stop') : spec.finishReason;
  if (finish !== null) events.push(ev({}, finish));
  if (spec.usage) events.push({ ...base, choices: [], usage: { total_tokens: spec.usage.prompt_tokens + spec.usage.completion_tokens, ...spec.usage } });
  if (!spec.noDone) events.push('[DONE]');
  return events;
}

/** One non-streamed chat completion body. */
export function chatCompletionJSON(spec: ChatReplySpec, model = 'test-chat'): unknown {
  const content = spec.content === undefined ? null : Array.isArray(spec.content) ? spec.content.join('') : spec.content;
  const toolCalls = (spec.toolCalls ?? []).map((c, i) => ({
    id: c.id ?? `call_${i}`,
    type: 'function',
    function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
  }));
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1700000000,
    model: spec.model ?? model,
    choices: [{
      index: 0,
      message: { role: 'assistant', content, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
      finish_reason: spec.finishReason === undefined ? (toolCalls.length ? 'tool_calls' : 'stop') : spec.finishReason,
    }],
    ...(spec.usage ? { usage: { total_tokens: spec.usage.prompt_tokens + spec.usage.completion_tokens, ...spec.usage } } : {}),
  };
}

/** A reply function for `/v1/chat/completions`: SSE when the request streams, JSON otherwise. */
export function chatReply(spec: ChatReplySpec): ReplyFn {
  return (req) => {
    const body = (req.json ?? {}) as { stream?: boolean; model?: string };
    return body.stream
      ? { sse: chatSSEEvents(spec, body.model), chunkDelayMs: spec.chunkDelayMs }
      : { json: chatCompletionJSON(spec, body.model) };
  };
}

/** Parsed bodies of the chat-completions requests the server received, in order. */
export function chatBodies(server: OpenAITestServer): ChatRequestBody[] {
  return server.requestsTo('/v1/chat/completions').map((r) => r.json as ChatRequestBody);
}

export interface ChatRequestBody {
  model: string;
  stream?: boolean;
  tools?: { type: string; function: { name: string; parameters: unknown; strict?: boolean } }[];
  tool_choice?: unknown;
  messages: { role: string; content?: unknown; tool_call_id?: string; tool_calls?: { id: string; function: { name: string; arguments: string } }[] }[];
  [key: string]: unknown;
}

// ---------------------------------------------------------------- multipart uploads (/v1/files)

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  /** The part's body as text (uploads in tests are JSONL). */
  data: string;
}

/** Parses a `multipart/form-data` body (as received, utf-8). */
export function parseMultipart(req: RecordedRequest): MultipartPart[] {
  const ct = String(req.headers['content-type'] ?? '');
  const m = /boundary=(?:"([^"]+)"|([^;]+))/.exec(ct);
  if (!m) return [];
  const boundary = `--${m[1] ?? m[2]}`;
  const parts: MultipartPart[] = [];
  for (const raw of req.body.split(boundary).slice(1)) {
    if (raw.startsWith('--')) break;
    const sep = raw.indexOf('\r\n\r\n');
    if (sep < 0) continue;
    const head = raw.slice(0, sep);
    const data = raw.slice(sep + 4).replace(/\r\n$/, '');
    const name = /name="([^"]*)"/.exec(head)?.[1] ?? '';
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    const contentType = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1];
    parts.push({ name, filename, contentType, data });
  }
  return parts;
}
