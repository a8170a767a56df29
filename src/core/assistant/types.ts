/**
 * Public shapes of the assistant: the retriever it depends on, settings, the turn result the CLI prints
 * with --json, streaming callbacks, and the trace record the fine-tuning work reads. Pure types.
 */
import type { Chunk } from '../types';
import type { SearchHit } from '../search/hybrid';

export type { SearchHit };

/** Retrieval the assistant depends on (hybrid search today, a reranked search later: same hit shape). */
export interface Retriever {
  search(query: string, k: number): Promise<SearchHit[]>;
}

/** The indexed chunks and files (a VectorStore satisfies this). */
export interface ChunkSource {
  files(): Iterable<{ path: string }>;
  chunks(): Iterable<Chunk>;
}

/** What a turn works on: the workspace root (absolute), its index, and retrieval. */
export interface AssistantWorkspace {
  root: string;
  index: ChunkSource;
  retriever: Retriever;
}

export type ToolMode = 'native' | 'prompt';

/** An OpenAI-compatible chat endpoint. */
export interface ModelConfig {
  /** e.g. `https://api.openai.com/v1`, `http://localhost:11434/v1`. */
  baseURL: string;
  /** Any model id, including fine-tuned ones (`ft:gpt-4.1-mini:acme::abc123`). */
  model: string;
  /** From the host's secret store / env. Never logged, traced or put in an error message. */
  apiKey?: string;
  /** 'native' (OpenAI `tools`) or 'prompt' (tools described in the prompt, calls as a fenced JSON block). Default 'native'; falls back to 'prompt' when the server rejects `tools`. */
  toolMode?: ToolMode;
  /** Stream responses (SSE). Default true. */
  stream?: boolean;
  /** Ask for token usage on streams (`stream_options.include_usage`). Default true. */
  streamUsage?: boolean;
  /** Per attempt: until response headers, and the longest silence inside a stream. Default 120 000. */
  timeoutMs?: number;
  /** Retries after the first attempt on 408/409/429/5xx, timeouts and resets. Default 3. */
  maxRetries?: number;
  /** First backoff delay, doubling with jitter up to maxBackoffMs. Defaults 500 / 20 000. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Upper bound on a server-requested Retry-After wait. Default 60 000. */
  maxRetryAfterMs?: number;
  temperature?: number;
  maxTokens?: number;
  /** Extra headers (Azure `api-key`) and query parameters (Azure `api-version`). */
  headers?: Record<string, string>;
  query?: Record<string, string>;
  fetch?: typeof globalThis.fetch;
}

export interface AssistantSettings {
  /** Tool rounds before the turn is stopped. Default 6. */
  maxToolRounds: number;
  /** Rounds asking the model to fix citations that failed verification. Default 1 (0 disables). */
  repairRounds: number;
  /** Chunks retrieved for the context pack. Default 8. */
  contextChunks: number;
  /** Token budget of the context pack (≈ 4 characters a token). Default 3000. */
  contextTokens: number;
  /** Characters of one tool result sent to the model. Default 12 000. */
  toolResultChars: number;
  /** Lines `read_file` returns at most. Default 200. */
  maxReadLines: number;
  /** Upper bound on `search_code`'s k. Default 10. */
  maxSearchResults: number;
  /** `find_references` matches at most. Default 60. */
  maxReferences: number;
  /** `list_files` entries at most. Default 200. */
  maxListFiles: number;
}

export const DEFAULT_SETTINGS: AssistantSettings = {
  maxToolRounds: 6,
  repairRounds: 1,
  contextChunks: 8,
  contextTokens: 3000,
  toolResultChars: 12_000,
  maxReadLines: 200,
  maxSearchResults: 10,
  maxReferences: 60,
  maxListFiles: 200,
};

export type CitationStatus = 'verified' | 'out-of-range' | 'not-seen' | 'missing-file';

export interface Citation {
  /** As written in the answer (normalised: `/`-separated, no leading `./`). */
  path: string;
  startLine: number;
  endLine: number;
  status: CitationStatus;
  /** The exact text in the answer, e.g. `[src/a.ts:4-9]`. */
  raw: string;
  /** Character offset of `raw` in the answer. */
  offset: number;
  /** Why it failed, or how it was verified (`seen` / `identifiers`). */
  reason?: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Model requests made (each retry attempt that got an answer counts once). */
  requests: number;
}

export interface ToolCallSummary {
  id: string;
  round: number;
  name: string;
  /** Raw JSON arguments as the model sent them. */
  arguments: string;
  ok: boolean;
  /** Tool error text sent to the model when !ok. */
  error?: string;
  ms: number;
}

/** What `runTurn` / `answerOffline` return; the CLI prints it with --json. */
export interface TurnResult {
  /** Trace id (for `rateTurn`). */
  id: string;
  answer: string;
  citations: Citation[];
  /** verified / total citations; 0 when the answer has none. */
  groundedness: number;
  toolCalls: ToolCallSummary[];
  /** Tool rounds executed. */
  rounds: number;
  /** Set when the turn ended at the tool-round limit without a final answer. */
  stopped?: 'round-limit';
  /** True when a repair round rewrote the answer. */
  repaired: boolean;
  ms: number;
  usage: Usage;
  /** Secret-looking strings replaced before anything was sent to the model. */
  redactions: number;
  /** Model id, or 'offline'. */
  model: string;
  toolMode?: ToolMode;
}

/** Streaming callbacks for live rendering (CLI, VS Code chat). All optional; exceptions in them are ignored. */
export interface TurnCallbacks {
  /** Assistant text as it streams (any round; the final answer is the last round's text). */
  onText?(delta: string, round: number): void;
  /** A new model request starts (round 0 = first request, then one per tool round; 'repair' for the repair round). */
  onRequest?(info: { round: number; phase: 'answer' | 'final' | 'repair' }): void;
  onToolCallStart?(call: { id: string; name: string; arguments: string; round: number }): void;
  onToolCallEnd?(call: ToolCallSummary & { summary: string }): void;
  /** The answer text so far is replaced (the repair round rewrote it). */
  onAnswerReset?(answer: string): void;
  /** Verified citations of the final answer. */
  onCitations?(citations: Citation[]): void;
}

/** One chat message as sent (after redaction). */
export interface TraceMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  tool_call_id?: string;
  tool_calls?: { id: string; name: string; arguments: string }[];
}

/**
 * One line of the trace store (`<dir>/traces.jsonl`), `type: 'turn'`. Ratings are appended later as
 * `{ type: 'rating', id, rating, timestamp }` lines and merged into `rating` when read.
 * Everything in `messages` and `toolCalls[].result` is exactly what was sent to the model (redacted).
 */
export interface TraceRecord {
  type: 'turn';
  /** Record schema version. */
  v: 1;
  id: string;
  /** ISO 8601. */
  timestamp: string;
  question: string;
  /** Model id, or 'offline'. */
  model: string;
  baseURL?: string;
  toolMode?: ToolMode;
  /** Chunks of the context pack: where they came from and their score. */
  retrieval: { path: string; startLine: number; endLine: number; score: number }[];
  messages: TraceMessage[];
  toolCalls: (ToolCallSummary & { result: string })[];
  answer: string;
  citations: Citation[];
  groundedness: number;
  rounds: number;
  stopped?: 'round-limit';
  repaired: boolean;
  latencyMs: number;
  usage: Usage;
  redactions: number;
  /** 👍 / 👎 set later through `rateTurn`; null until then. */
  rating: 'up' | 'down' | null;
  /** Set when the turn failed (the error is rethrown to the caller). */
  error?: { code: string; message: string };
}

export type Rating = 'up' | 'down';
