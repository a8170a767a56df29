/**
 * Chat client for any OpenAI-compatible `/chat/completions` endpoint through the `openai` SDK: streaming
 * (tool-call fragments assembled per `index`), per-attempt timeout that also bounds silence inside a stream,
 * retries with backoff on 429/5xx/timeouts/resets (the SDK's own retries are off: its sleep ignores the
 * AbortSignal), cancellation, usage. Tool calling is native (`tools`) or prompt-based (promptTools.ts);
 * when the server rejects `tools` the client switches to prompt mode for good and resends.
 */
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParams, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { AssistantError, abortError, backoffMs, classifyError, isRetryable, sleep, type BackoffPolicy } from './errors';
import { describeTools, FenceHoldback, parsePromptToolCalls, type ToolSpec } from './promptTools';
import type { ModelConfig, ToolMode, TraceMessage } from './types';

export interface ToolCall {
  id: string;
  name: string;
  /** Raw JSON text, possibly malformed. */
  arguments: string;
}

export interface ChatRequest {
  messages: TraceMessage[];
  tools: ToolSpec[];
  /** 'none': tools may not be called in this request. */
  toolChoice?: 'auto' | 'none';
  signal?: AbortSignal;
  onText?: (delta: string) => void;
}

export interface ChatResponse {
  /** Assistant text (in prompt mode including any tool-call block). */
  content: string;
  toolCalls: ToolCall[];
  /** Prompt mode: the reply tried to call tools but the block broke the protocol. */
  protocolError?: string;
  finishReason: string;
  usage?: { promptTokens: number; completionTokens: number; totalTokens: number };
  /** The mode this request was answered in (after any fallback). */
  toolMode: ToolMode;
}

/** Something that answers chat requests (the real client, or a stub in tests). */
export interface ChatModel {
  readonly model: string;
  readonly baseURL: string;
  readonly toolMode: ToolMode;
  chat(req: ChatRequest): Promise<ChatResponse>;
}

export class ModelClient implements ChatModel {
  readonly model: string;
  readonly baseURL: string;
  private mode: ToolMode;
  private readonly client: OpenAI;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly backoff: BackoffPolicy;
  private promptCalls = 0;

  constructor(private readonly cfg: ModelConfig) {
    if (!cfg.baseURL) throw new AssistantError('bad-request', 'model: baseURL is required');
    if (!cfg.model) throw new AssistantError('bad-request', 'model: a model id is required');
    this.model = cfg.model;
    this.baseURL = cfg.baseURL.replace(/\/+$/, '');
    this.mode = cfg.toolMode ?? 'native';
    this.timeoutMs = Math.max(1, cfg.timeoutMs ?? 120_000);
    this.maxRetries = Math.max(0, cfg.maxRetries ?? 3);
    this.backoff = { initialBackoffMs: cfg.initialBackoffMs ?? 500, maxBackoffMs: cfg.maxBackoffMs ?? 20_000, maxRetryAfterMs: cfg.maxRetryAfterMs ?? 60_000 };
    this.client = new OpenAI({
      baseURL: this.baseURL,
      apiKey: cfg.apiKey || 'not-needed', // the SDK refuses to start without one; local servers ignore it
      maxRetries: 0,
      timeout: this.timeoutMs,
      defaultHeaders: cfg.headers,
      defaultQuery: cfg.query,
      fetch: cfg.fetch,
      logLevel: 'off',
    });
  }

  /** 'prompt' once the server rejected native tools. */
  get toolMode(): ToolMode {
    return this.mode;
  }

  async chat(req: ChatRequest): Promise<ChatResponse> {
    for (let attempt = 0; ; attempt++) {
      if (req.signal?.aborted) throw abortError();
      const emitted = { any: false };
      try {
        return await this.once(req, emitted);
      } catch (e) {
        if (req.signal?.aborted) throw abortError();
        const err = classifyError(e, this.ctx());
        if (err.code === 'tools-unsupported' && this.mode === 'native' && req.tools.length) {
          this.mode = 'prompt'; // resend at once, describing the tools in the prompt
          attempt--;
          continue;
        }
        // Text already shown cannot be taken back: a stream that fails after output is not retried.
        if (!isRetryable(e) || emitted.any || attempt >= this.maxRetries) throw classifyError(e, this.ctx(), isRetryable(e) ? attempt : 0);
        await sleep(backoffMs(attempt, e, this.backoff), req.signal);
      }
    }
  }

  private ctx() {
    return { url: this.baseURL, model: this.model, timeoutMs: this.timeoutMs, apiKey: this.cfg.apiKey };
  }

  private body(req: ChatRequest, mode: ToolMode): ChatCompletionCreateParams {
    const native = mode === 'native' && req.tools.length > 0;
    const messages = mode === 'native' ? req.messages.map(nativeMessage) : promptMessages(req.messages, req.toolChoice === 'none' ? [] : req.tools);
    const body: ChatCompletionCreateParams = { model: this.model, messages };
    if (native) {
      body.tools = req.tools.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.parameters, strict: true } }));
      body.tool_choice = req.toolChoice ?? 'auto';
      body.parallel_tool_calls = true;
    }
    if (this.cfg.temperature !== undefined) body.temperature = this.cfg.temperature;
    if (this.cfg.maxTokens !== undefined) body.max_completion_tokens = this.cfg.maxTokens;
    return body;
  }

  private async once(req: ChatRequest, emitted: { any: boolean }): Promise<ChatResponse> {
    const mode = this.mode;
    const body = this.body(req, mode);
    const holdback = mode === 'prompt' && req.onText ? new FenceHoldback(req.onText) : undefined;
    const onText = (d: string) => {
      if (!d) return;
      emitted.any = true;
      if (holdback) holdback.push(d);
      else req.onText?.(d);
    };
    const raw = this.cfg.stream === false ? await this.nonStreamed(body, req.signal, onText) : await this.streamed(body, req.signal, onText);
    let toolCalls = raw.toolCalls;
    let protocolError: string | undefined;
    if (mode === 'prompt') {
      // Parsed even when tools are not offered: the agent decides what a call then means.
      const parsed = parsePromptToolCalls(raw.content);
      if (parsed.kind === 'calls') toolCalls = parsed.calls.map((c) => ({ id: `pcall_${++this.promptCalls}`, ...c }));
      else if (parsed.kind === 'error') protocolError = parsed.error;
      holdback?.end(parsed.kind !== 'none');
    }
    return { ...raw, toolCalls, protocolError, toolMode: mode };
  }

  private async nonStreamed(body: ChatCompletionCreateParams, signal: AbortSignal | undefined, onText: (d: string) => void) {
    const res = await this.client.chat.completions.create({ ...body, stream: false }, { signal, timeout: this.timeoutMs, maxRetries: 0 });
    const choice = res.choices?.[0];
    if (!choice) throw new AssistantError('bad-response', `malformed response from ${this.baseURL}: no choices`);
    const content = choice.message?.content ?? '';
    onText(content);
    const toolCalls = (choice.message?.tool_calls ?? []).flatMap((c) =>
      c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments ?? '' }] : []);
    const u = res.usage;
    return {
      content,
      toolCalls,
      finishReason: choice.finish_reason ?? 'stop',
      usage: u ? { promptTokens: u.prompt_tokens ?? 0, completionTokens: u.completion_tokens ?? 0, totalTokens: u.total_tokens ?? 0 } : undefined,
    };
  }

  /**
   * Streams one completion. The SDK's timeout only covers the wait for headers, and an abort during the
   * stream ends iteration silently, so silence is bounded here and an early end is detected explicitly.
   */
  private async streamed(body: ChatCompletionCreateParams, signal: AbortSignal | undefined, onText: (d: string) => void) {
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let idle = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        ctl.abort();
      }, this.timeoutMs);
    };
    try {
      const params = { ...body, stream: true as const, ...(this.cfg.streamUsage === false ? {} : { stream_options: { include_usage: true } }) };
      // The SDK's timeout covers the wait for headers; from then on silence is bounded here.
      const stream = await this.client.chat.completions.create(params, { signal: ctl.signal, timeout: this.timeoutMs, maxRetries: 0 });
      arm();
      let content = '';
      let finishReason: string | undefined;
      let usage: ChatResponse['usage'];
      const calls = new Map<number, ToolCall>();
      for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
        arm();
        if (chunk.usage) {
          const u = chunk.usage;
          usage = { promptTokens: u.prompt_tokens ?? 0, completionTokens: u.completion_tokens ?? 0, totalTokens: u.total_tokens ?? 0 };
        }
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const delta = choice.delta ?? {};
        if (typeof delta.content === 'string' && delta.content) {
          content += delta.content;
          onText(delta.content);
        }
        for (const tc of delta.tool_calls ?? []) {
          const index = typeof tc.index === 'number' ? tc.index : calls.size;
          const cur = calls.get(index) ?? { id: '', name: '', arguments: '' };
          if (tc.id) cur.id = tc.id;
          if (tc.function?.name) cur.name += cur.name && cur.name === tc.function.name ? '' : tc.function.name;
          if (tc.function?.arguments) cur.arguments += tc.function.arguments;
          calls.set(index, cur);
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      if (signal?.aborted) throw abortError();
      if (idle) throw new AssistantError('timeout', `the stream from ${this.baseURL} went silent for ${this.timeoutMs} ms — is the server overloaded? Raise the timeout`);
      if (!finishReason) throw new AssistantError('bad-response', `the stream from ${this.baseURL} ended early (no finish reason)`);
      const toolCalls = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([i, c]) => ({ ...c, id: c.id || `call_idx_${i}` }));
      return { content, toolCalls, finishReason, usage };
    } catch (e) {
      if (signal?.aborted) throw abortError();
      if (idle) throw new AssistantError('timeout', `the stream from ${this.baseURL} went silent for ${this.timeoutMs} ms — is the server overloaded? Raise the timeout`);
      throw e;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

function nativeMessage(m: TraceMessage): ChatCompletionMessageParam {
  if (m.role === 'tool') return { role: 'tool', tool_call_id: m.tool_call_id ?? '', content: m.content ?? '' };
  if (m.role === 'assistant') {
    return m.tool_calls?.length
      ? { role: 'assistant', content: m.content || null, tool_calls: m.tool_calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) }
      : { role: 'assistant', content: m.content ?? '' };
  }
  return { role: m.role, content: m.content ?? '' };
}

/** Prompt mode: tools described in the system message; tool results become one user message per round. */
function promptMessages(messages: TraceMessage[], tools: ToolSpec[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  for (const m of messages) {
    if (m.role === 'system') {
      out.push({ role: 'system', content: tools.length ? `${m.content ?? ''}\n\n${describeTools(tools)}` : m.content ?? '' });
    } else if (m.role === 'tool') {
      const text = `Result of tool call ${m.tool_call_id ?? ''}:\n${m.content ?? ''}`;
      const last = out[out.length - 1];
      if (last && last.role === 'user' && typeof last.content === 'string' && last.content.startsWith('Result of tool call')) last.content += '\n\n' + text;
      else out.push({ role: 'user', content: text });
    } else if (m.role === 'assistant') {
      let content = m.content ?? '';
      // History recorded in native mode (before a fallback): show the calls in the prompt protocol.
      if (m.tool_calls?.length && !/"tool_calls"/.test(content)) {
        const calls = m.tool_calls.map((c) => ({ name: c.name, arguments: safeParse(c.arguments) }));
        content = `${content}\n\`\`\`json\n${JSON.stringify({ tool_calls: calls })}\n\`\`\``.trim();
      }
      out.push({ role: 'assistant', content });
    } else out.push({ role: 'user', content: m.content ?? '' });
  }
  return out;
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return {};
  }
}
