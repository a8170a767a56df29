/// <reference lib="dom" />
/**
 * The chat webview (bundled for the browser into dist/webview.js). Every message from the extension is validated
 * (parseHostMessage) before use; messages to it are the typed WebviewMessage union. UI state (the last
 * conversation seen, the draft, open sections, scroll) survives a hide/reload through getState/setState; the
 * extension's copy (workspaceState) is the source of truth and replaces it on 'restore'.
 */
import { parseHostMessage, parseTurnView, type ChatStatus, type HostMessage, type TurnView, type WebviewMessage } from '../extension/protocol';
import { fillAnswer, statusText, turnElement, welcome } from './view';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface UiState {
  v: 1;
  draft: string;
  turns: TurnView[];
  status?: ChatStatus;
  /** Turns whose "context used" list is open. */
  open: string[];
  scrollTop: number;
}

const api = acquireVsCodeApi();
const send = (m: WebviewMessage): void => api.postMessage(m);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const log = $<HTMLElement>('log');
const input = $<HTMLTextAreaElement>('q');
const sendButton = $<HTMLButtonElement>('send');
const stopButton = $<HTMLButtonElement>('stop');
const statusEl = $<HTMLElement>('status');

const state: UiState = loadState();
const open = new Set(state.open);

function loadState(): UiState {
  const raw = api.getState() as Partial<UiState> | undefined;
  const turns: TurnView[] = [];
  for (const t of Array.isArray(raw?.turns) ? raw.turns : []) {
    try {
      turns.push(parseTurnView(t, 'state'));
    } catch {
      /* drop what no longer parses */
    }
  }
  return {
    v: 1, turns, draft: typeof raw?.draft === 'string' ? raw.draft : '',
    open: Array.isArray(raw?.open) ? raw.open.filter((x): x is string => typeof x === 'string') : [],
    scrollTop: typeof raw?.scrollTop === 'number' ? raw.scrollTop : 0,
  };
}

let saveQueued = false;
function save(): void {
  if (saveQueued) return;
  saveQueued = true;
  queueMicrotask(() => {
    saveQueued = false;
    state.open = [...open].filter((id) => state.turns.some((t) => t.id === id));
    api.setState(state);
  });
}

// ---------------------------------------------------------------------------------------------- rendering

const running = () => state.status?.running ?? state.turns.some((t) => t.state === 'running');
const nearBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight < 80;
const stickToBottom = (was: boolean) => {
  if (was) log.scrollTop = log.scrollHeight;
};

function renderControls(): void {
  const busy = running();
  sendButton.hidden = busy;
  stopButton.hidden = !busy;
  if (state.status) statusEl.textContent = statusText(state.status);
}

function renderAll(): void {
  log.replaceChildren(...(state.turns.length ? state.turns.map((t) => turnElement(t, open.has(t.id))) : [welcome(state.status)]));
  renderControls();
}

function articleOf(id: string): HTMLElement | null {
  return log.querySelector(`article[data-turn="${CSS.escape(id)}"]`);
}

function renderTurn(turn: TurnView): void {
  const was = nearBottom();
  const el = turnElement(turn, open.has(turn.id));
  const old = articleOf(turn.id);
  if (old) old.replaceWith(el);
  else {
    log.querySelector('.welcome')?.remove();
    log.append(el);
  }
  stickToBottom(was);
}

let pendingAnswer = new Set<string>();
let frame = 0;
/** Streaming answers are re-rendered at most once per animation frame. */
function scheduleAnswer(id: string): void {
  pendingAnswer.add(id);
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    const was = nearBottom();
    for (const tid of pendingAnswer) {
      const turn = state.turns.find((t) => t.id === tid);
      const el = articleOf(tid)?.querySelector<HTMLElement>('.answer');
      if (turn && el) fillAnswer(el, turn);
    }
    pendingAnswer = new Set();
    stickToBottom(was);
  });
}

function upsert(turn: TurnView): void {
  const i = state.turns.findIndex((t) => t.id === turn.id);
  if (i >= 0) state.turns[i] = turn;
  else state.turns.push(turn);
}

function onHostMessage(m: HostMessage): void {
  switch (m.type) {
    case 'restore':
      state.turns = m.turns;
      state.status = m.status;
      renderAll();
      log.scrollTop = log.scrollHeight;
      break;
    case 'status':
      state.status = m.status;
      renderControls();
      break;
    case 'turn':
      upsert(m.turn);
      renderTurn(m.turn);
      renderControls();
      break;
    case 'answer': {
      const turn = state.turns.find((t) => t.id === m.turnId);
      if (!turn) return;
      turn.answer = m.text;
      if (articleOf(turn.id)?.querySelector('.thinking')) renderTurn(turn);
      else scheduleAnswer(turn.id);
      break;
    }
    case 'context':
    case 'tool': {
      const turn = state.turns.find((t) => t.id === m.turnId);
      if (!turn) return;
      if (m.type === 'context') turn.context = m.items;
      else {
        const i = turn.tools.findIndex((t) => t.id === m.tool.id);
        if (i >= 0) turn.tools[i] = m.tool;
        else turn.tools.push(m.tool);
      }
      renderTurn(turn);
      break;
    }
    case 'rated': {
      const turn = state.turns.find((t) => t.id === m.turnId);
      if (!turn) return;
      turn.rating = m.rating;
      renderTurn(turn);
      break;
    }
  }
  save();
}

// ---------------------------------------------------------------------------------------------- input

function submit(): void {
  const question = input.value.trim();
  if (!question || running()) return;
  send({ type: 'ask', question });
  input.value = '';
  state.draft = '';
  save();
}

function onClick(e: MouseEvent): void {
  const target = e.target instanceof Element ? e.target : null;
  const article = target?.closest<HTMLElement>('article[data-turn]');
  const cite = target?.closest<HTMLElement>('button.cite');
  if (cite && article) {
    const startLine = Number(cite.dataset.start);
    const endLine = Number(cite.dataset.end);
    const path = cite.dataset.path ?? '';
    if (path && Number.isInteger(startLine) && Number.isInteger(endLine)) send({ type: 'openCitation', turnId: article.dataset.turn ?? '', path, startLine, endLine });
    return;
  }
  const rate = target?.closest<HTMLButtonElement>('button.rate');
  if (rate && article && !rate.disabled) {
    send({ type: 'rate', turnId: article.dataset.turn ?? '', rating: rate.dataset.rating === 'down' ? 'down' : 'up' });
    return;
  }
  if (target?.closest('[data-action="settings"]')) send({ type: 'openSettings' });
  else if (target?.closest('[data-action="trust"]')) send({ type: 'manageTrust' });
}

function onMessage(e: MessageEvent): void {
  let m: HostMessage;
  try {
    m = parseHostMessage(e.data);
  } catch (err) {
    console.warn(`pinpoint chat: ignored a malformed message: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  onHostMessage(m);
}

function onKey(e: KeyboardEvent): void {
  if (e.key === 'Escape' && running()) {
    e.preventDefault();
    send({ type: 'stop' });
  }
}

function onInputKey(e: KeyboardEvent): void {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submit();
  }
}

// ---------------------------------------------------------------------------------------------- start

input.value = state.draft;
renderAll();
log.scrollTop = state.scrollTop;

window.addEventListener('message', onMessage);
document.addEventListener('keydown', onKey);
log.addEventListener('click', onClick);
// 'toggle' does not bubble: listen in the capture phase to remember which context lists are open.
log.addEventListener('toggle', (e) => {
  const details = e.target instanceof HTMLDetailsElement ? e.target : null;
  const id = details?.closest<HTMLElement>('article[data-turn]')?.dataset.turn;
  if (!details || !id) return;
  if (details.open) open.add(id);
  else open.delete(id);
  save();
}, true);
log.addEventListener('scroll', () => {
  state.scrollTop = log.scrollTop;
  save();
}, { passive: true });
input.addEventListener('keydown', onInputKey);
input.addEventListener('input', () => {
  state.draft = input.value;
  save();
});
$<HTMLFormElement>('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  submit();
});
stopButton.addEventListener('click', () => send({ type: 'stop' }));
$<HTMLButtonElement>('new-chat').addEventListener('click', () => send({ type: 'newChat' }));
send({ type: 'ready' });
input.focus();
