/**
 * Errors of the assistant's model client, and the retry policy shared with it: classify any SDK failure
 * into an AssistantError whose message says what to do, decide what is retryable, compute backoff.
 * (Same policy as the openai embedder; the HTTP helpers are shared from src/core/net/http.ts.)
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { deepMessage, errorCode, isRetryableSdkError, retryAfterMs, serverMessage } from '../net/http';
import { abortableSleep } from '../net/sleep';

export type AssistantErrorCode =
  | 'unreachable' // connection refused, DNS failure
  | 'timeout'
  | 'auth' // 401/403
  | 'model-not-found'
  | 'rate-limited' // 429 after all retries
  | 'server' // 5xx after all retries
  | 'tools-unsupported' // the server rejected `tools` (the client falls back to prompt mode)
  | 'bad-request' // other 4xx
  | 'bad-response' // malformed or truncated response
  | 'aborted';

export class AssistantError extends Error {
  constructor(
    readonly code: AssistantErrorCode,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = code === 'aborted' ? 'AbortError' : 'AssistantError';
  }
}

export function abortError(): AssistantError {
  return new AssistantError('aborted', 'the request was cancelled');
}

/** Sleeps `ms`, rejecting with an abort error as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return abortableSleep(ms, signal, abortError);
}

export interface BackoffPolicy {
  initialBackoffMs: number;
  maxBackoffMs: number;
  maxRetryAfterMs: number;
}

/** Delay before retry `attempt` (0-based): the server's Retry-After when given, else exponential with jitter. */
export function backoffMs(attempt: number, e: unknown, p: BackoffPolicy): number {
  const ra = e instanceof APIError ? retryAfterMs(e.headers) : undefined;
  if (ra !== undefined) return Math.min(ra, p.maxRetryAfterMs);
  const base = Math.min(p.maxBackoffMs, p.initialBackoffMs * 2 ** attempt);
  return base * (0.5 + Math.random() * 0.5);
}

/** 408/409/429/5xx, timeouts, resets and streams cut short are worth another attempt. */
export function isRetryable(e: unknown): boolean {
  if (e instanceof AssistantError) return e.code === 'timeout' || (e.code === 'bad-response' && /ended early|cut short/.test(e.message));
  return isRetryableSdkError(e);
}

/** A 4xx that says the server does not do tool calling (OpenAI-compatible servers word it differently). */
export function rejectsTools(e: unknown): boolean {
  if (!(e instanceof APIError)) return false;
  const s = e.status ?? 0;
  if (s !== 400 && s !== 404 && s !== 422 && s !== 501) return false;
  const m = serverMessage(e);
  return /\btools?\b|tool_choice|function.?call/i.test(m);
}

export interface ClassifyContext {
  url: string;
  model: string;
  timeoutMs: number;
  apiKey?: string;
}

/** Turns any failure into an AssistantError with an actionable message (never containing the API key). */
export function classifyError(e: unknown, ctx: ClassifyContext, retries = 0): AssistantError {
  if (e instanceof AssistantError) return withRetries(e, retries);
  const at = `model server at ${ctx.url}`;
  const scrub = (s: string) => (ctx.apiKey && ctx.apiKey.length >= 4 ? s.split(ctx.apiKey).join('***') : s);
  if (e instanceof APIUserAbortError) return abortError();
  if (e instanceof APIConnectionTimeoutError) {
    return withRetries(new AssistantError('timeout', `request to ${at} timed out after ${ctx.timeoutMs} ms — is the server overloaded? Raise the timeout`, undefined, { cause: e }), retries);
  }
  if (e instanceof APIConnectionError) {
    const code = errorCode(e);
    const detail = code ?? scrub(deepMessage(e));
    const hint = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'check the base URL' : 'is it running?';
    return withRetries(new AssistantError('unreachable', `cannot reach ${at}: ${detail} — ${hint}`, undefined, { cause: e }), retries);
  }
  if (e instanceof APIError) {
    const status = e.status ?? 0;
    const msg = scrub(serverMessage(e));
    if (status === 401 || status === 403) {
      return new AssistantError('auth', `${at} rejected the request (${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}) — check the API key${ctx.apiKey ? '' : ' (none is set: OPENAI_API_KEY or PINPOINT_API_KEY)'}`, status);
    }
    if (rejectsTools(e)) return new AssistantError('tools-unsupported', `${at} does not accept tool definitions${msg ? `: ${msg}` : ''}`, status);
    const code = (e as { code?: unknown }).code;
    if ((status === 404 || status === 400) && (code === 'model_not_found' || (/model/i.test(msg) && /not (be )?found|does not exist|unknown|pull/i.test(msg)))) {
      return new AssistantError('model-not-found', `model "${ctx.model}" not found at ${ctx.url}${msg ? `: ${msg}` : ''} — check the model id`, status);
    }
    if (status === 404) return new AssistantError('bad-request', `${ctx.url}/chat/completions was not found (404) — check the base URL (it usually ends in /v1)${msg ? `: ${msg}` : ''}`, status);
    if (status === 429) return withRetries(new AssistantError('rate-limited', `rate limited by ${at} (429)${msg ? `: ${msg}` : ''} — try again later`, status), retries);
    if (status >= 500) return withRetries(new AssistantError('server', `${at} failed with ${status}${msg ? `: ${msg}` : ''}`, status), retries);
    if (status === 0) return new AssistantError('bad-response', `${at} sent an error in the stream${msg ? `: ${msg}` : ''}`);
    if (status === 413) return new AssistantError('bad-request', `${at} rejected the request as too large (413) — ask a narrower question`, status);
    return new AssistantError('bad-request', `${at} rejected the request (${status})${msg ? `: ${msg}` : ''}`, status);
  }
  const m = e instanceof Error ? e.message : String(e);
  return new AssistantError('bad-response', `request to ${at} failed: ${scrub(m)}`, undefined, { cause: e });
}

function withRetries(e: AssistantError, retries: number): AssistantError {
  if (retries > 0 && !/\(after \d+ retr/.test(e.message)) e.message += ` (after ${retries} ${retries === 1 ? 'retry' : 'retries'})`;
  return e;
}

export { errorCode, serverMessage };
