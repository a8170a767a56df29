/// <reference lib="dom" />
/**
 * DOM of the chat: one <article> per turn. Text goes in with textContent; the only HTML is the rendered answer,
 * which render.ts builds safely and DOMPurify sanitises again here. No inline handlers: main.ts delegates clicks.
 */
import DOMPurify from 'dompurify';
import { rangeLabel, type ChatStatus, type ContextItem, type OfflineReason, type ToolView, type TurnView } from '../extension/protocol';
import { citationTitle, renderAnswer, statusMark } from './render';

type Child = Node | string | null | undefined | false;

/** createElement with attributes (strings only; never `on…`) and children. */
export function h(tag: string, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || /^on/i.test(k)) continue;
    el.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** Exactly what render.ts emits, nothing more. */
const PURIFY = {
  ALLOWED_TAGS: ['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'span', 'em', 'strong', 's',
    'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'button'],
  ALLOWED_ATTR: ['href', 'rel', 'class', 'title', 'start', 'type', 'data-path', 'data-start', 'data-end', 'aria-label'],
  ALLOW_DATA_ATTR: false,
  // DOMPurify checks every non-URI-safe attribute value against this: schemes other than http(s)/mailto fail,
  // plain values ("2", "button", "src/a.ts", "noopener noreferrer") pass.
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
};

export function sanitize(html: string): string {
  return DOMPurify.sanitize(html, PURIFY) as unknown as string;
}

/** Sets the rendered answer (Markdown → HTML → sanitised) of a turn. */
export function fillAnswer(el: HTMLElement, turn: Pick<TurnView, 'answer' | 'citations' | 'state'>): void {
  el.innerHTML = sanitize(renderAnswer(turn.answer, turn.state === 'running' ? [] : turn.citations));
}

function chip(c: { path: string; startLine: number; endLine: number }, status: 'pending' | 'verified', title?: string): HTMLElement {
  return h('button', { type: 'button', class: `cite cite-${status}`, 'data-path': c.path, 'data-start': String(c.startLine), 'data-end': String(c.endLine), title: title ?? citationTitle(status) },
    rangeLabel(c), status === 'verified' ? h('span', { class: 'cite-mark', 'aria-label': 'verified' }, statusMark(status)) : null);
}

function contextList(turn: TurnView, open: boolean): HTMLElement | null {
  if (!turn.context.length) return null;
  const items = turn.context.map((c: ContextItem, i) =>
    h('li', {},
      h('span', { class: 'rank' }, `${i + 1}.`),
      chip(c, 'pending', 'Open the retrieved lines'),
      c.name ? h('span', { class: 'ctx-name' }, c.kind ? `${c.name} (${c.kind})` : c.name) : null,
      h('div', { class: 'ctx-why' }, `why: ${c.reasons.join(' · ')}`, h('span', { class: 'ctx-score' }, ` score ${c.score.toFixed(3)}`)),
    ),
  );
  const details = h('details', { class: 'context', 'data-section': 'context' }, h('summary', {}, `Context used (${turn.context.length})`), h('ol', {}, ...items));
  (details as HTMLDetailsElement).open = open;
  return details;
}

function toolList(tools: ToolView[]): HTMLElement | null {
  if (!tools.length) return null;
  return h('ul', { class: 'tools', 'aria-label': 'Tool calls' },
    ...tools.map((t) => {
      const icon = t.state === 'running' ? '⟳' : t.state === 'ok' ? '✓' : '✗';
      return h('li', { class: `tool tool-${t.state}`, title: t.args },
        h('span', { class: 'tool-icon', 'aria-hidden': 'true' }, icon), h('code', {}, t.name), ' ',
        h('span', { class: 'tool-args' }, t.args),
        t.summary ? h('div', { class: 'tool-summary' }, t.summary + (t.ms !== undefined ? ` (${t.ms} ms)` : '')) : null,
      );
    }),
  );
}

const ERROR_TITLES: Record<string, string> = {
  unreachable: 'The model server is unreachable',
  timeout: 'The model server timed out',
  auth: 'The model server rejected the API key',
  'model-not-found': 'Model not found',
  'rate-limited': 'Rate limited',
  server: 'The model server failed',
  'bad-request': 'The model server rejected the request',
  'bad-response': 'The model server sent a bad response',
  'no-index': 'No index yet',
};
const SETTINGS_ERRORS = new Set(['unreachable', 'timeout', 'auth', 'model-not-found', 'bad-request']);
const ERROR_HINTS: Record<string, string> = {
  auth: 'Store a key with the command “Pinpoint: Set API Key”.',
  unreachable: 'Check “Pinpoint › Chat: Base Url” and that the server is running.',
  timeout: 'The server may be overloaded; try again, or a smaller model.',
  'model-not-found': 'Check “Pinpoint › Chat: Model”, or run “Pinpoint: Select Model”.',
  'rate-limited': 'Wait a moment and ask again.',
};

const SVG = 'http://www.w3.org/2000/svg';
/** A thumbs-up outline (drawn, not an emoji: not every system has an emoji font); `.rate-down` flips it. */
function thumb(): SVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '14');
  svg.setAttribute('height', '14');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', 'M2 7h2.5v7H2zM4.5 7.5 7.2 2.4c.3-.6 1-.8 1.5-.5.5.3.7.9.6 1.4L8.8 6.5h4c.8 0 1.4.8 1.2 1.6l-1.3 4.9c-.2.6-.7 1-1.3 1H4.5');
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '1.2');
  path.setAttribute('stroke-linejoin', 'round');
  svg.append(path);
  return svg;
}

function footer(turn: TurnView): HTMLElement | null {
  if (turn.state === 'running' || turn.state === 'error') return null;
  const verified = turn.citations.filter((c) => c.status === 'verified').length;
  const unverified = turn.citations.length - verified;
  const grounding = turn.citations.length
    ? h('span', { class: `grounding${unverified ? ' has-unverified' : ''}` },
      `${verified} of ${turn.citations.length} citation${turn.citations.length === 1 ? '' : 's'} verified`, unverified ? ` · ${unverified} unverified ⚠` : '')
    : h('span', { class: 'grounding' }, turn.answer ? 'no citations' : '');
  const rate = (r: 'up' | 'down', label: string) =>
    h('button', { type: 'button', class: `rate rate-${r}`, 'data-rating': r, title: label, 'aria-label': label, 'aria-pressed': String(turn.rating === r), disabled: turn.rateable ? undefined : '' }, thumb());
  return h('footer', { class: 'turn-footer' }, grounding, h('span', { class: 'spacer' }),
    turn.state === 'stopped' ? h('span', { class: 'stopped' }, 'stopped') : null,
    turn.ms !== undefined ? h('span', { class: 'ms' }, `${(turn.ms / 1000).toFixed(1)} s`) : null,
    rate('up', 'Good answer (👍)'), rate('down', 'Bad answer (👎)'));
}

/** The whole <article> of a turn. */
export function turnElement(turn: TurnView, contextOpen: boolean): HTMLElement {
  const meta = h('div', { class: 'meta' },
    turn.offline ? h('span', { class: 'badge offline' }, 'offline answer') : turn.model ? h('span', { class: 'badge' }, turn.model) : null,
    turn.folder ? h('span', { class: 'folder' }, turn.folder) : null,
  );
  const answer = h('div', { class: 'answer markdown' });
  if (turn.answer) fillAnswer(answer, turn);
  else if (turn.state === 'running') answer.append(h('span', { class: 'thinking' }, turn.tools.length ? 'Working…' : 'Searching the index…'));
  else if (turn.state === 'stopped') answer.append(h('span', { class: 'thinking' }, 'Stopped before an answer.'));
  const err = turn.error
    ? h('div', { class: 'error', role: 'alert' },
      h('strong', {}, `⚠ ${ERROR_TITLES[turn.error.code] ?? 'Could not answer'}: `), turn.error.message,
      ERROR_HINTS[turn.error.code] ? h('div', { class: 'hint' }, ERROR_HINTS[turn.error.code]) : null,
      SETTINGS_ERRORS.has(turn.error.code) ? h('div', {}, h('button', { type: 'button', class: 'link', 'data-action': 'settings' }, 'Open Pinpoint settings')) : null)
    : null;
  const offlineNote = turn.offline && turn.state === 'done' ? offlineNoteOf(turn.offlineReason) : null;
  return h('article', { class: `turn state-${turn.state}`, 'data-turn': turn.id, 'aria-busy': turn.state === 'running' ? 'true' : undefined },
    h('div', { class: 'question' }, h('div', { class: 'q-text' }, turn.question), turn.contextLabel ? h('div', { class: 'q-context' }, turn.contextLabel) : null),
    meta, toolList(turn.tools), contextList(turn, contextOpen), answer, err, offlineNote, footer(turn));
}

/** Why an answer is offline, with the one action that changes it (configure a model / trust the workspace). */
function offlineNoteOf(reason: OfflineReason | undefined): HTMLElement {
  return reason === 'untrusted'
    ? h('div', { class: 'offline-note untrusted' }, 'Offline answer: this workspace is not trusted, so Pinpoint sent nothing to the model and answered from the local index alone. ',
      h('button', { type: 'button', class: 'link', 'data-action': 'trust' }, 'Trust the workspace'), ' to use the configured model.')
    : h('div', { class: 'offline-note' }, 'Offline answer: no model is configured, so this comes from the local index alone. ',
      h('button', { type: 'button', class: 'link', 'data-action': 'settings' }, 'Configure a model'), ' (Pinpoint › Chat: Model, or the command "Pinpoint: Select Model") for written answers.');
}

export function welcome(status: ChatStatus | undefined): HTMLElement {
  const untrusted = status?.offline && status.offlineReason === 'untrusted';
  return h('div', { class: 'welcome' },
    h('h2', {}, 'Ask about this codebase'),
    h('p', {}, 'Answers cite file and line, and every citation is checked against the files: ✓ verified, ⚠ not verified.'),
    untrusted
      ? h('p', {}, 'This workspace is not trusted: answers come from the local index and nothing is sent to the model until you trust it. ',
        h('button', { type: 'button', class: 'link', 'data-action': 'trust' }, 'Trust the workspace'))
      : status?.offline
        ? h('p', {}, 'No model is configured: answers are extractive, from the local index. ', h('button', { type: 'button', class: 'link', 'data-action': 'settings' }, 'Configure a model'))
        : null,
  );
}

export function statusText(s: ChatStatus): string {
  const folders = s.folders === 0 ? 'indexing… (no folder index ready yet)' : `${s.folders} folder${s.folders === 1 ? '' : 's'} indexed`;
  const mode = !s.offline ? 'Model configured' : s.offlineReason === 'untrusted' ? 'Offline (workspace not trusted)' : 'Offline (no model)';
  return `${mode} · ${folders}`;
}
