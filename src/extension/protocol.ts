/**
 * The one typed message protocol between the extension host and the chat webview, one discriminated union per
 * direction, with validating parsers used on receipt by both sides. This file is imported by the webview bundle
 * too (src/webview/): it must not import `vscode` or any Node module — type-only imports from src/core are fine.
 *
 *   webview → extension: WebviewMessage (parseWebviewMessage)
 *   extension → webview: HostMessage    (parseHostMessage)
 *
 * A parser returns a clean copy (unknown keys dropped) or throws ProtocolError naming the bad field.
 */
import type { CitationStatus } from '../core/assistant/types';

// ------------------------------------------------------------------------------------------------ shapes

export const CITATION_STATUSES = ['verified', 'out-of-range', 'not-seen', 'missing-file'] as const;
export type ChipStatus = CitationStatus | 'pending';
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time check: the list above is exactly core's CitationStatus. */
const _statusesMatch: Same<(typeof CITATION_STATUSES)[number], CitationStatus> = true;
export type Rating = 'up' | 'down';
export type TurnState = 'running' | 'done' | 'error' | 'stopped';
/** Why an answer is offline: no model configured, or a model configured in a workspace that is not trusted. */
export const OFFLINE_REASONS = ['no-model', 'untrusted'] as const;
export type OfflineReason = (typeof OFFLINE_REASONS)[number];

export interface CitationView {
  path: string;
  startLine: number;
  endLine: number;
  status: CitationStatus;
  /** Why it failed, or how it was verified. */
  reason?: string;
}

/** One retrieved chunk of the "context used" list, and why it was retrieved. */
export interface ContextItem {
  path: string;
  startLine: number;
  endLine: number;
  /** Symbol name and kind of the chunk, when it has one. */
  name?: string;
  kind?: string;
  score: number;
  reasons: string[];
}

export interface ToolView {
  id: string;
  name: string;
  /** Arguments as sent by the model, shortened. */
  args: string;
  state: 'running' | 'ok' | 'error';
  /** One line for the UI once finished (or the tool error). */
  summary?: string;
  ms?: number;
}

export interface TurnError {
  /** AssistantError code ('auth', 'unreachable', 'timeout', …), 'no-index' or 'internal'. */
  code: string;
  message: string;
}

export interface TurnView {
  /** The chat's own id for the turn (the trace id is kept by the extension). */
  id: string;
  question: string;
  /** Extra context attached to the question (a selection, a diagnostic), shown as a label. */
  contextLabel?: string;
  answer: string;
  citations: CitationView[];
  context: ContextItem[];
  tools: ToolView[];
  state: TurnState;
  offline: boolean;
  /** Set when `offline`: why (the webview says "configure a model" or "trust the workspace"). */
  offlineReason?: OfflineReason;
  /** Model id, or 'offline'. */
  model?: string;
  /** Name of the workspace folder that answered. */
  folder?: string;
  error?: TurnError;
  rating?: Rating;
  /** False when the turn has no trace to attach a rating to. */
  rateable: boolean;
  ms?: number;
}

export interface ChatStatus {
  /** No model configured (or an untrusted workspace): answers are extractive, from the local index. */
  offline: boolean;
  /** Set when `offline`: no model configured, or the workspace is not trusted (nothing is sent to the model). */
  offlineReason?: OfflineReason;
  /** Indexed workspace folders available to search. */
  folders: number;
  running: boolean;
}

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'ask'; question: string }
  | { type: 'stop' }
  | { type: 'newChat' }
  | { type: 'openCitation'; turnId: string; path: string; startLine: number; endLine: number }
  | { type: 'rate'; turnId: string; rating: Rating }
  | { type: 'openSettings' }
  | { type: 'manageTrust' };

export type HostMessage =
  | { type: 'restore'; turns: TurnView[]; status: ChatStatus }
  | { type: 'status'; status: ChatStatus }
  | { type: 'turn'; turn: TurnView }
  | { type: 'answer'; turnId: string; text: string }
  | { type: 'context'; turnId: string; items: ContextItem[] }
  | { type: 'tool'; turnId: string; tool: ToolView }
  | { type: 'rated'; turnId: string; rating: Rating };

// ------------------------------------------------------------------------------------------------ limits

export const LIMITS = {
  question: 20_000,
  answer: 400_000,
  path: 1_000,
  id: 200,
  line: 10_000_000,
  turns: 200,
  list: 500,
  text: 4_000,
} as const;

// ------------------------------------------------------------------------------------------------ parsers

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

type Parser<T> = (v: unknown, at: string) => T;

const fail = (at: string, what: string): never => {
  throw new ProtocolError(`${at}: expected ${what}`);
};
const str = (max: number, min = 0): Parser<string> => (v, at) =>
  typeof v === 'string' && v.length >= min && v.length <= max ? v : fail(at, `a string of ${min}–${max} characters`);
const int = (min: number, max: number): Parser<number> => (v, at) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fail(at, `an integer in ${min}–${max}`);
const num: Parser<number> = (v, at) => (typeof v === 'number' && Number.isFinite(v) ? v : fail(at, 'a finite number'));
const bool: Parser<boolean> = (v, at) => (typeof v === 'boolean' ? v : fail(at, 'a boolean'));
const oneOf = <L extends string>(...ls: readonly L[]): Parser<L> => (v, at) =>
  typeof v === 'string' && (ls as readonly string[]).includes(v) ? (v as L) : fail(at, `one of ${ls.join(', ')}`);
const list = <T>(item: Parser<T>, max: number = LIMITS.list): Parser<T[]> => (v, at) => {
  if (!Array.isArray(v) || v.length > max) return fail(at, `an array of at most ${max} items`);
  return v.map((x, i) => item(x, `${at}[${i}]`));
};
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A parser for an object: each field's parser; `optional` fields may be absent (or undefined). */
function obj<T extends object>(fields: { [K in keyof T]-?: Parser<T[K]> }, optional: readonly (keyof T)[] = []): Parser<T> {
  return (v, at) => {
    if (!isRecord(v)) return fail(at, 'an object');
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(fields) as (keyof T & string)[]) {
      const value = v[key];
      if (value === undefined && optional.includes(key)) continue;
      out[key] = fields[key](value, `${at}.${key}`);
    }
    return out as T;
  };
}
const opt = <T>(p: Parser<T>): Parser<T | undefined> => (v, at) => (v === undefined ? undefined : p(v, at));

/** A discriminated union: `type` picks the variant's parser. */
function union<U extends { type: string }>(variants: { [K in U['type']]: Parser<Extract<U, { type: K }>> }): Parser<U> {
  return (v, at) => {
    if (!isRecord(v)) return fail(at, 'a message object');
    const type = v.type;
    if (typeof type !== 'string' || !Object.hasOwn(variants, type)) return fail(`${at}.type`, `one of ${Object.keys(variants).join(', ')}`);
    return variants[type as U['type']](v, at) as U;
  };
}
const tagged = <T extends { type: string }>(type: T['type'], fields: Omit<{ [K in keyof T]-?: Parser<T[K]> }, 'type'>, optional: readonly (keyof T)[] = []): Parser<T> =>
  obj<T>({ type: oneOf(type), ...fields } as { [K in keyof T]-?: Parser<T[K]> }, optional);

const id = str(LIMITS.id, 1);
const path = str(LIMITS.path, 1);
const line = int(1, LIMITS.line);
const rating = oneOf<Rating>('up', 'down');

const citationView = obj<CitationView>({ path, startLine: line, endLine: line, status: oneOf(...CITATION_STATUSES), reason: opt(str(LIMITS.text)) }, ['reason']);
const contextItem = obj<ContextItem>(
  { path, startLine: line, endLine: line, name: opt(str(LIMITS.text)), kind: opt(str(100)), score: num, reasons: list(str(LIMITS.text), 20) },
  ['name', 'kind'],
);
const toolView = obj<ToolView>(
  { id, name: str(200, 1), args: str(LIMITS.text), state: oneOf('running', 'ok', 'error'), summary: opt(str(LIMITS.text)), ms: opt(int(0, 1e9)) },
  ['summary', 'ms'],
);
const turnError = obj<TurnError>({ code: str(100, 1), message: str(LIMITS.text) });
export const parseTurnView: Parser<TurnView> = obj<TurnView>(
  {
    id, question: str(LIMITS.question), contextLabel: opt(str(LIMITS.text)), answer: str(LIMITS.answer),
    citations: list(citationView), context: list(contextItem), tools: list(toolView),
    state: oneOf('running', 'done', 'error', 'stopped'), offline: bool, offlineReason: opt(oneOf(...OFFLINE_REASONS)), model: opt(str(300)),
    folder: opt(str(LIMITS.path)), error: opt(turnError), rating: opt(rating), rateable: bool, ms: opt(int(0, 1e9)),
  },
  ['contextLabel', 'offlineReason', 'model', 'folder', 'error', 'rating', 'ms'],
);
const chatStatus = obj<ChatStatus>({ offline: bool, offlineReason: opt(oneOf(...OFFLINE_REASONS)), folders: int(0, 10_000), running: bool }, ['offlineReason']);

const webviewMessage = union<WebviewMessage>({
  ready: tagged('ready', {}),
  ask: tagged('ask', { question: str(LIMITS.question, 1) }),
  stop: tagged('stop', {}),
  newChat: tagged('newChat', {}),
  openCitation: tagged('openCitation', { turnId: id, path, startLine: line, endLine: line }),
  rate: tagged('rate', { turnId: id, rating }),
  openSettings: tagged('openSettings', {}),
  manageTrust: tagged('manageTrust', {}),
});

const hostMessage = union<HostMessage>({
  restore: tagged('restore', { turns: list(parseTurnView, LIMITS.turns), status: chatStatus }),
  status: tagged('status', { status: chatStatus }),
  turn: tagged('turn', { turn: parseTurnView }),
  answer: tagged('answer', { turnId: id, text: str(LIMITS.answer) }),
  context: tagged('context', { turnId: id, items: list(contextItem) }),
  tool: tagged('tool', { turnId: id, tool: toolView }),
  rated: tagged('rated', { turnId: id, rating }),
});

/** Validates a message from the webview (throws ProtocolError). */
export function parseWebviewMessage(v: unknown): WebviewMessage {
  return webviewMessage(v, 'message');
}

/** Validates a message from the extension (throws ProtocolError). */
export function parseHostMessage(v: unknown): HostMessage {
  return hostMessage(v, 'message');
}

/** The `path:start-end` label of a range (`path:start` for one line). */
export function rangeLabel(r: { path: string; startLine: number; endLine: number }): string {
  return r.startLine === r.endLine ? `${r.path}:${r.startLine}` : `${r.path}:${r.startLine}-${r.endLine}`;
}
