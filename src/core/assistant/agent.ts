/**
 * One assistant turn: retrieval context first, then at most `maxToolRounds` rounds of (parallel) tool
 * calls, a final answer whose citations are verified, an optional repair round, and a trace record.
 * Everything sent to the model passes through redaction; the turn is bounded in requests.
 */
import { groundedness, repairPrompt, verifyCitations } from './citations';
import { buildContextPack, type ContextPack } from './contextPack';
import { AssistantError, abortError } from './errors';
import { WorkspaceFiles } from './files';
import { ModelClient, type ChatModel, type ChatResponse, type ToolCall } from './modelClient';
import { finalRoundPrompt, protocolErrorPrompt, stoppedMessage, SYSTEM_PROMPT, userPrompt } from './prompts';
import { redactSecrets } from './redact';
import { SeenLines } from './seen';
import { executeTool, TOOL_SPECS, type ToolContext } from './tools';
import { newTraceId, type TraceStore } from './trace';
import {
  DEFAULT_SETTINGS,
  type AssistantSettings,
  type AssistantWorkspace,
  type Citation,
  type ModelConfig,
  type ToolCallSummary,
  type TraceMessage,
  type TraceRecord,
  type TurnCallbacks,
  type TurnResult,
  type Usage,
} from './types';

export interface TurnOptions {
  question: string;
  workspace: AssistantWorkspace;
  /** A client (keep one per session: it remembers a fallback to prompt mode) or its config. */
  model: ChatModel | ModelConfig;
  settings?: Partial<AssistantSettings>;
  callbacks?: TurnCallbacks;
  signal?: AbortSignal;
  /** When given, the turn (also a failed one) is appended to it. */
  trace?: TraceStore;
  /** Earlier exchanges of this conversation, oldest first (sent as plain messages, redacted). */
  history?: { question: string; answer: string }[];
}

export function createModelClient(cfg: ModelConfig): ModelClient {
  return new ModelClient(cfg);
}

function isChatModel(m: ChatModel | ModelConfig): m is ChatModel {
  return typeof (m as ChatModel).chat === 'function';
}

/** Calls a user callback, ignoring its exceptions (a broken renderer must not break the turn). */
function safe<A extends unknown[]>(fn: ((...a: A) => void) | undefined, ...args: A): void {
  try {
    fn?.(...args);
  } catch {
    /* ignored */
  }
}

/** Arguments as they go back into the history: servers that parse them reject malformed JSON. */
function historyArgs(raw: string): string {
  try {
    JSON.parse(raw);
    return raw;
  } catch {
    return '{}';
  }
}

export function emptyUsage(): Usage {
  return { promptTokens: 0, completionTokens: 0, totalTokens: 0, requests: 0 };
}

/** Runs one turn against a model. Throws AssistantError (after recording the failed turn in the trace). */
export async function runTurn(opts: TurnOptions): Promise<TurnResult> {
  const t0 = performance.now();
  const settings: AssistantSettings = { ...DEFAULT_SETTINGS, ...opts.settings };
  const model = isChatModel(opts.model) ? opts.model : new ModelClient(opts.model);
  const cb = opts.callbacks ?? {};
  const { signal } = opts;
  const id = newTraceId();
  const timestamp = new Date().toISOString();
  const files = new WorkspaceFiles(opts.workspace.root);
  const seen = new SeenLines();
  const usage = emptyUsage();
  const messages: TraceMessage[] = [];
  const toolCalls: (ToolCallSummary & { result: string })[] = [];
  let redactions = 0;
  let pack: ContextPack = { text: '', items: [], truncated: false };
  let answer = '';
  let citations: Citation[] = [];
  let rounds = 0;
  let stopped: TurnResult['stopped'];
  let repaired = false;

  /** Everything that leaves the machine goes through here. */
  const outgoing = (text: string): string => {
    const r = redactSecrets(text);
    redactions += r.count;
    return r.text;
  };
  const ctx: ToolContext = { files, index: opts.workspace.index, retriever: opts.workspace.retriever, seen, settings, signal };
  const ask = async (phase: 'answer' | 'final' | 'repair', round: number): Promise<ChatResponse> => {
    if (signal?.aborted) throw abortError();
    safe(cb.onRequest, { round, phase });
    const res = await model.chat({
      messages,
      tools: TOOL_SPECS,
      toolChoice: phase === 'answer' ? 'auto' : 'none',
      signal,
      onText: phase === 'repair' ? undefined : (d) => safe(cb.onText, d, round),
    });
    usage.requests++;
    if (res.usage) {
      usage.promptTokens += res.usage.promptTokens;
      usage.completionTokens += res.usage.completionTokens;
      usage.totalTokens += res.usage.totalTokens || res.usage.promptTokens + res.usage.completionTokens;
    }
    return res;
  };
  const record = async (error?: AssistantError): Promise<void> => {
    if (!opts.trace) return;
    const rec: TraceRecord = {
      type: 'turn', v: 1, id, timestamp, question: opts.question, model: model.model, baseURL: model.baseURL, toolMode: model.toolMode,
      retrieval: pack.items, messages, toolCalls, answer, citations, groundedness: groundedness(citations), rounds, stopped, repaired,
      latencyMs: Math.round(performance.now() - t0), usage, redactions, rating: null,
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
    };
    await opts.trace.append(rec).catch(() => undefined); // a full disk must not fail the answer
  };

  try {
    const hits = await opts.workspace.retriever.search(opts.question, settings.contextChunks);
    if (signal?.aborted) throw abortError();
    pack = await buildContextPack(hits, files, seen, settings.contextTokens);
    messages.push({ role: 'system', content: SYSTEM_PROMPT });
    for (const h of opts.history ?? []) {
      messages.push({ role: 'user', content: outgoing(h.question) }, { role: 'assistant', content: outgoing(h.answer) });
    }
    messages.push({ role: 'user', content: outgoing(userPrompt(opts.question, pack)) });

    for (;;) {
      const final = rounds >= settings.maxToolRounds;
      if (final && rounds > 0) messages.push({ role: 'user', content: finalRoundPrompt(rounds) });
      const res = await ask(final ? 'final' : 'answer', rounds);
      const wantsTools = res.toolCalls.length > 0 || res.protocolError !== undefined;
      if (!wantsTools) {
        answer = res.content;
        messages.push({ role: 'assistant', content: answer });
        break;
      }
      if (final) {
        messages.push({ role: 'assistant', content: res.content || null, tool_calls: res.toolCalls.map((c) => ({ ...c, arguments: historyArgs(c.arguments) })) });
        stopped = 'round-limit';
        answer = stoppedMessage(rounds);
        safe(cb.onText, answer, rounds);
        break;
      }
      rounds++;
      if (res.protocolError !== undefined) {
        messages.push({ role: 'assistant', content: res.content }, { role: 'user', content: protocolErrorPrompt(res.protocolError) });
        continue;
      }
      messages.push({ role: 'assistant', content: res.content || null, tool_calls: res.toolCalls.map((c) => ({ ...c, arguments: historyArgs(c.arguments) })) });
      const results = await Promise.all(res.toolCalls.map((call) => runTool(call, rounds)));
      for (const r of results) {
        toolCalls.push(r); // in call order, whatever order they finished in
        messages.push({ role: 'tool', tool_call_id: r.id, content: r.result });
      }
    }

    citations = await verifyCitations(answer, { files, seen });
    for (let r = 0; r < settings.repairRounds && !stopped; r++) {
      const fix = repairPrompt(citations);
      if (!fix) break;
      messages.push({ role: 'user', content: fix });
      const res = await ask('repair', rounds);
      const candidate = res.content;
      if (!candidate.trim()) break;
      messages.push({ role: 'assistant', content: candidate });
      const next = await verifyCitations(candidate, { files, seen });
      if (groundedness(next) >= groundedness(citations) && next.length > 0) {
        answer = candidate;
        citations = next;
        repaired = true;
        safe(cb.onAnswerReset, answer);
      }
    }
    safe(cb.onCitations, citations);
    const result: TurnResult = {
      id, answer, citations, groundedness: groundedness(citations), toolCalls: toolCalls.map(({ result: _r, ...s }) => s), rounds, stopped, repaired,
      ms: Math.round(performance.now() - t0), usage, redactions, model: model.model, toolMode: model.toolMode,
    };
    await record();
    return result;
  } catch (e) {
    const err = signal?.aborted ? abortError() : e instanceof AssistantError ? e : new AssistantError('bad-response', e instanceof Error ? e.message : String(e), undefined, { cause: e });
    await record(err);
    throw err;
  }

  async function runTool(call: ToolCall, round: number): Promise<ToolCallSummary & { result: string }> {
    safe(cb.onToolCallStart, { id: call.id, name: call.name, arguments: call.arguments, round });
    const t = performance.now();
    const outcome = await executeTool(call.name, call.arguments, ctx);
    let content = outcome.content;
    if (content.length > settings.toolResultChars) content = content.slice(0, settings.toolResultChars) + '\n[truncated: result cut at the size limit]';
    const result = outgoing(content);
    const summary: ToolCallSummary = {
      id: call.id, round, name: call.name, arguments: call.arguments, ok: outcome.ok, ms: Math.round(performance.now() - t),
      ...(outcome.ok ? {} : { error: result }),
    };
    safe(cb.onToolCallEnd, { ...summary, summary: outcome.summary });
    return { ...summary, result };
  }
}
