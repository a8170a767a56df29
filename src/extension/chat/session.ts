/**
 * The chat conversation and its turns, without `vscode` (unit-tested in plain Node): runs each question through
 * runTurn (a model is configured) or answerOffline (none), streams what happens as HostMessages, records traces
 * and ratings, persists the conversation through a small store (the controller passes workspaceState), and turns
 * every failure into a message in the conversation.
 */
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createModelClient, runTurn } from '../../core/assistant/agent';
import { AssistantError } from '../../core/assistant/errors';
import type { ModelClient } from '../../core/assistant/modelClient';
import { answerOffline } from '../../core/assistant/offline';
import { rateTurn, TraceStore } from '../../core/assistant/trace';
import type { AssistantSettings, ModelConfig, Retriever, TurnResult } from '../../core/assistant/types';
import { workspaceFromIndex } from '../../core/assistant/workspace';
import type { WorkspaceIndex } from '../../core/index/workspaceIndex';
import { LIMITS, parseTurnView, type ChatStatus, type HostMessage, type OfflineReason, type Rating, type ToolView, type TurnView } from '../protocol';
import { contextItemOf, defaultRetriever, isInside, pickIndex } from './retrieval';

export interface SessionLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

/** What the session needs from the extension (ChatDeps is this with a vscode LogOutputChannel). */
export interface SessionDeps {
  log: SessionLog;
  /** One per workspace folder; may be empty while indexing. */
  getIndexes(): WorkspaceIndex[];
  /** undefined = offline (no model configured, or an untrusted workspace). */
  getModelConfig(): Promise<ModelConfig | undefined>;
  /** Why getModelConfig gave none: no model, or a model in an untrusted workspace (default 'no-model'). */
  offlineReason?(): OfflineReason;
  /** Where the traces of an index go (ratings are appended there too). */
  traceDir(index: WorkspaceIndex): string;
  /** The retriever of an index; default: the reranked retriever (createRetriever), else hybrid search. */
  getRetriever?(index: WorkspaceIndex): Retriever;
  /** Tool rounds, context size… passed to runTurn / answerOffline (default: the core's defaults). */
  getAssistantSettings?(): Partial<AssistantSettings>;
}

/** A turn as persisted: the view plus what only the extension needs. */
export interface StoredTurn extends TurnView {
  traceId?: string;
  traceDir?: string;
  root?: string;
}

export interface StoredConversation {
  v: 1;
  turns: StoredTurn[];
}

/** Where the conversation is kept (workspaceState in the extension, a variable in tests). */
export interface ConversationStore {
  get(): unknown;
  set(value: StoredConversation): PromiseLike<void>;
}

export interface AskOptions {
  /** The text sent to the assistant when it differs from what the conversation shows (question + selection). */
  prompt?: string;
  /** A label shown with the question (`selection src/a.ts:3-9`). */
  contextLabel?: string;
  /** An absolute file path whose folder should answer (active editor, selection). */
  preferPath?: string;
}

/** Turns kept in the conversation (and in workspaceState). */
export const MAX_TURNS = 100;
/** Earlier exchanges sent with a question. */
export const HISTORY_TURNS = 6;
const FLUSH_MS = 40;

export const NO_INDEX_MESSAGE =
  'No indexed workspace folder yet. Open a folder; if one is open, Pinpoint is still indexing it — try again in a moment.';

const newId = () => `c-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
const shorten = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** Restores a stored conversation, dropping anything malformed; a turn cut off by a reload becomes 'stopped'. */
export function loadConversation(raw: unknown): StoredTurn[] {
  const turns = (raw as { turns?: unknown } | undefined)?.turns;
  if (!Array.isArray(turns)) return [];
  const out: StoredTurn[] = [];
  for (const t of turns.slice(-MAX_TURNS)) {
    try {
      const view = parseTurnView(t, 'turn');
      const extra = t as Record<string, unknown>;
      const str = (k: string) => (typeof extra[k] === 'string' ? (extra[k] as string) : undefined);
      const turn: StoredTurn = { ...view, traceId: str('traceId'), traceDir: str('traceDir'), root: str('root') };
      if (turn.state === 'running') {
        turn.state = 'stopped';
        turn.tools = turn.tools.map((x) => (x.state === 'running' ? { ...x, state: 'error', summary: 'interrupted' } : x));
      }
      out.push(turn);
    } catch {
      /* skip a damaged turn */
    }
  }
  return out;
}

/** What the webview sees of a stored turn. */
export function toView(t: StoredTurn): TurnView {
  const { traceId: _t, traceDir: _d, root: _r, ...view } = t;
  return view;
}

interface Running {
  turn: StoredTurn;
  controller: AbortController;
}

export class ChatSession {
  private turns: StoredTurn[];
  private running: Running | undefined;
  private client: { key: string; client: ModelClient } | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly deps: SessionDeps,
    private readonly store: ConversationStore,
    private readonly post: (message: HostMessage) => void,
  ) {
    this.turns = loadConversation(store.get());
  }

  get isRunning(): boolean {
    return !!this.running;
  }

  /** A copy of the conversation as the webview sees it. */
  views(): TurnView[] {
    return this.turns.map(toView);
  }

  async status(): Promise<ChatStatus> {
    let offline = true;
    try {
      offline = !(await this.deps.getModelConfig());
    } catch (e) {
      this.deps.log.warn(`chat: reading the model configuration failed: ${errorMessage(e)}`);
    }
    return { offline, ...(offline ? { offlineReason: this.offlineReason() } : {}), folders: this.deps.getIndexes().length, running: this.isRunning };
  }

  private offlineReason(): OfflineReason {
    try {
      return this.deps.offlineReason?.() ?? 'no-model';
    } catch {
      return 'no-model';
    }
  }

  /** The whole conversation plus status (sent when the webview (re)loads). */
  async restoreMessage(): Promise<HostMessage> {
    return { type: 'restore', turns: this.views(), status: await this.status() };
  }

  /** Asks one question; resolves when the turn has ended (answered, failed or stopped). A running turn is stopped first. */
  ask(question: string, opts: AskOptions = {}): Promise<void> {
    this.running?.controller.abort();
    // One turn at a time, in the order asked.
    const next = this.queue.then(() => this.start(question, opts));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async start(question: string, opts: AskOptions): Promise<void> {
    if (this.disposed) return;
    const turn: StoredTurn = {
      id: newId(), question: shorten(question, LIMITS.question), answer: '', citations: [], context: [], tools: [], state: 'running',
      offline: false, rateable: false, ...(opts.contextLabel ? { contextLabel: shorten(opts.contextLabel, LIMITS.text) } : {}),
    };
    this.turns.push(turn);
    if (this.turns.length > MAX_TURNS) this.turns.splice(0, this.turns.length - MAX_TURNS);
    const controller = new AbortController();
    const done = this.execute(turn, opts.prompt ?? question, controller.signal, opts.preferPath);
    this.running = { turn, controller };
    this.post({ type: 'turn', turn: toView(turn) });
    void this.sendStatus();
    await done;
  }

  /** Stops the running turn (the partial answer stays, marked stopped). */
  stop(): void {
    this.running?.controller.abort();
  }

  async newChat(): Promise<void> {
    this.running?.controller.abort();
    const cleared = this.queue.then(() => {
      this.turns = [];
    });
    this.queue = cleared;
    await cleared;
    await this.persist();
    this.post(await this.restoreMessage());
  }

  /** Records 👍/👎 with the turn's trace. False when the turn has no trace or the trace store does not know it. */
  async rate(turnId: string, rating: Rating): Promise<boolean> {
    const turn = this.turns.find((t) => t.id === turnId);
    if (!turn?.traceId || !turn.traceDir) return false;
    const ok = await rateTurn(turn.traceDir, turn.traceId, rating);
    if (!ok) return false;
    turn.rating = rating;
    await this.persist();
    this.post({ type: 'rated', turnId, rating });
    return true;
  }

  /** The absolute file a citation of a turn points at, or undefined when it resolves outside the turn's folder. */
  citationFile(turnId: string, relPath: string): string | undefined {
    const turn = this.turns.find((t) => t.id === turnId);
    const root = turn?.root ?? this.deps.getIndexes()[0]?.root;
    if (!root) return undefined;
    const file = path.resolve(root, relPath);
    return isInside(root, file) && file !== root ? file : undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.running?.controller.abort();
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }

  // ---------------------------------------------------------------------------------------------- internals

  private async execute(turn: StoredTurn, prompt: string, signal: AbortSignal, preferPath?: string): Promise<void> {
    try {
      const result = await this.answer(turn, prompt, signal, preferPath);
      turn.answer = result.answer;
      turn.citations = result.citations.map((c) => ({ path: c.path, startLine: c.startLine, endLine: c.endLine, status: c.status, ...(c.reason ? { reason: c.reason } : {}) }));
      turn.model = result.model;
      turn.traceId = result.id;
      turn.rateable = !!turn.traceDir;
      turn.ms = result.ms;
      turn.state = 'done';
    } catch (e) {
      if (signal.aborted || (e instanceof AssistantError && e.code === 'aborted')) {
        turn.state = 'stopped';
      } else {
        turn.state = 'error';
        turn.error = e instanceof AssistantError ? { code: e.code, message: e.message } : e instanceof NoIndexError ? { code: 'no-index', message: e.message } : { code: 'internal', message: errorMessage(e) };
        this.deps.log.warn(`chat: turn failed (${turn.error.code}): ${turn.error.message}`);
      }
    } finally {
      if (this.flushTimer) clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      for (const t of turn.tools) if (t.state === 'running') Object.assign(t, { state: 'error', summary: 'interrupted' });
      if (this.running?.turn === turn) this.running = undefined;
    }
    await this.persist();
    if (this.disposed) return;
    this.post({ type: 'turn', turn: toView(turn) });
    await this.sendStatus();
  }

  private async answer(turn: StoredTurn, prompt: string, signal: AbortSignal, preferPath?: string): Promise<TurnResult> {
    const indexes = this.deps.getIndexes();
    if (!indexes.length) throw new NoIndexError(NO_INDEX_MESSAGE);
    const model = await this.deps.getModelConfig();
    turn.offline = !model;
    if (!model) turn.offlineReason = this.offlineReason();
    const retrieverFor = (i: WorkspaceIndex) => this.deps.getRetriever?.(i) ?? defaultRetriever(i, (m) => this.deps.log.warn(m));
    const { index, retriever } = await pickIndex(indexes, prompt, retrieverFor, preferPath);
    if (signal.aborted) throw new AssistantError('aborted', 'the request was cancelled');
    turn.root = index.root;
    turn.folder = path.basename(index.root);
    turn.traceDir = this.deps.traceDir(index);
    let contextSent = false;
    retriever.onSearch = (query, hits) => {
      if (contextSent || query !== prompt) return;
      contextSent = true;
      turn.context = hits.map(contextItemOf);
      this.post({ type: 'context', turnId: turn.id, items: turn.context });
    };
    const workspace = workspaceFromIndex(index, retriever);
    const trace = new TraceStore(turn.traceDir);
    const settings = this.deps.getAssistantSettings?.();
    if (!model) return answerOffline({ question: prompt, workspace, signal, trace, settings });

    let textRound = -1;
    const history = this.turns
      .filter((t) => t !== turn && t.state === 'done' && t.model !== 'offline' && t.answer)
      .slice(-HISTORY_TURNS)
      .map((t) => ({ question: t.question, answer: t.answer }));
    const upsertTool = (tool: ToolView) => {
      if (tool.state === 'running' && turn.answer) {
        // Text before a round of tool calls was not the answer (it is kept in the trace, not in the view).
        turn.answer = '';
        this.post({ type: 'answer', turnId: turn.id, text: '' });
      }
      const i = turn.tools.findIndex((t) => t.id === tool.id);
      if (i >= 0) turn.tools[i] = tool;
      else turn.tools.push(tool);
      this.post({ type: 'tool', turnId: turn.id, tool });
    };
    return runTurn({
      question: prompt, workspace, model: this.clientFor(model), signal, trace, history, settings,
      callbacks: {
        onText: (delta, round) => {
          if (round !== textRound) {
            // Text before a round of tool calls is not the answer: the answer is the last round's text.
            textRound = round;
            turn.answer = '';
          }
          turn.answer += delta;
          this.scheduleFlush(turn);
        },
        onAnswerReset: (answer) => {
          turn.answer = answer;
          this.scheduleFlush(turn);
        },
        onToolCallStart: (c) => upsertTool({ id: c.id, name: c.name, args: shorten(c.arguments, 300), state: 'running' }),
        onToolCallEnd: (c) =>
          upsertTool({ id: c.id, name: c.name, args: shorten(c.arguments, 300), state: c.ok ? 'ok' : 'error', summary: shorten(c.ok ? c.summary : c.error ?? c.summary, 500), ms: c.ms }),
      },
    });
  }

  /** One client per configuration (it remembers a fallback to prompt-mode tools). */
  private clientFor(cfg: ModelConfig): ModelClient {
    const key = JSON.stringify([cfg.baseURL, cfg.model, cfg.apiKey ?? '', cfg.toolMode ?? '', cfg.stream ?? '', cfg.timeoutMs ?? '', cfg.headers ?? {}, cfg.query ?? {}]);
    if (this.client?.key !== key) this.client = { key, client: createModelClient(cfg) };
    return this.client.client;
  }

  private scheduleFlush(turn: StoredTurn): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      if (!this.disposed && turn.state === 'running') this.post({ type: 'answer', turnId: turn.id, text: turn.answer });
    }, FLUSH_MS);
  }

  private async sendStatus(): Promise<void> {
    if (!this.disposed) this.post({ type: 'status', status: await this.status() });
  }

  private async persist(): Promise<void> {
    try {
      await this.store.set({ v: 1, turns: this.turns.map((t) => ({ ...t })) });
    } catch (e) {
      this.deps.log.warn(`chat: saving the conversation failed: ${errorMessage(e)}`);
    }
  }
}

class NoIndexError extends Error {}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
