/**
 * HTTP client helpers shared by every OpenAI-compatible client (embeddings, chat, fine-tuning): reading
 * Retry-After, finding the system error code in a cause chain, the server's own error text, and an
 * abortable sleep for backoff.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';

/** Retry-After (seconds or HTTP date) or retry-after-ms, in milliseconds; undefined when absent. */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const ra = headers.get('retry-after');
  if (!ra) return undefined;
  const s = Number(ra);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const d = Date.parse(ra);
  return Number.isFinite(d) ? Math.max(0, d - Date.now()) : undefined;
}

/** A system error code (ECONNREFUSED, ENOTFOUND, …) anywhere in the cause chain. */
export function errorCode(e: unknown): string | undefined {
  const seen = new Set<unknown>();
  const stack: unknown[] = [e];
  while (stack.length) {
    const x = stack.pop();
    if (!x || typeof x !== 'object' || seen.has(x)) continue;
    seen.add(x);
    const c = (x as { code?: unknown }).code;
    if (typeof c === 'string' && /^[A-Z_]+$/.test(c)) return c;
    stack.push((x as { cause?: unknown }).cause);
    const errs = (x as { errors?: unknown }).errors;
    if (Array.isArray(errs)) stack.push(...errs);
  }
  return undefined;
}

/** The innermost meaningful message of an error's cause chain. */
export function deepMessage(e: unknown): string {
  let x: unknown = e;
  let m = '';
  for (let i = 0; i < 5 && x instanceof Error; i++, x = x.cause) m = x.message || m;
  return m || 'connection failed';
}

/** The server's own error text (OpenAI `{error:{message}}`, Ollama/TEI `{error:"…"}`), shortened. */
export function serverMessage(e: APIError): string {
  const body = e.error as { message?: unknown; error?: unknown } | string | undefined;
  let m = '';
  if (typeof body === 'string') m = body;
  else if (body && typeof body.message === 'string') m = body.message;
  else if (body && typeof body.error === 'string') m = body.error;
  else m = e.message.replace(/^\d{3}\s*/, '');
  m = m.replace(/\s+/g, ' ').trim();
  return m.length > 300 ? m.slice(0, 300) + '…' : m;
}

/** SDK failures worth another attempt: 408/409/429/5xx, timeouts, connection resets (not refusals). */
export function isRetryableSdkError(e: unknown): boolean {
  if (e instanceof APIConnectionTimeoutError) return true;
  if (e instanceof APIConnectionError) {
    const c = errorCode(e);
    return c === 'ECONNRESET' || c === 'EPIPE' || c === 'UND_ERR_SOCKET' || c === 'ETIMEDOUT' || c === undefined;
  }
  if (e instanceof APIError) {
    const s = e.status ?? 0;
    return s === 408 || s === 409 || s === 429 || s >= 500;
  }
  return false;
}
