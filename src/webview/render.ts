/**
 * Answer rendering, DOM-free so it runs (and is tested) in plain Node: Markdown → HTML with markdown-it,
 * configured to be safe by construction — raw HTML is escaped (`html: false`), images are off (no network from the
 * webview), links only for http(s)/mailto — plus citation chips: `[path:4-9]` becomes a button carrying the range
 * and a status class from the turn's verified citations (✓ verified; ⚠ out-of-range / not-seen / missing-file;
 * neutral while the answer streams). The webview additionally passes the result through DOMPurify before use.
 */
import MarkdownIt from 'markdown-it';
import type { ChipStatus, CitationView } from '../extension/protocol';
import { rangeLabel } from '../extension/protocol';
import { escapeHtml, highlight } from './highlight';

/** (A type alias, not an interface: markdown-it's Env wants an index signature.) */
export type RenderEnv = {
  /** Statuses per `path:start-end`, in answer order (one citation may appear several times). */
  queues: Map<string, CitationView[]>;
};

const STATUS_TEXT: Record<ChipStatus, string> = {
  verified: 'Verified',
  'out-of-range': 'Not verified: the cited lines do not exist',
  'not-seen': 'Not verified: the cited lines were not read this turn',
  'missing-file': 'Not verified: no such file in the workspace',
  pending: 'Open the cited lines',
};

/** Tooltip of a chip: what its status means, plus the verifier's reason. */
export function citationTitle(status: ChipStatus, reason?: string): string {
  if (status === 'verified') return reason === 'identifiers' ? 'Verified: the named identifiers are in the cited lines' : 'Verified: the model read these lines';
  return reason && status !== 'pending' ? `${STATUS_TEXT[status]} — ${reason}` : STATUS_TEXT[status];
}

export function statusMark(status: ChipStatus): string {
  return status === 'verified' ? '✓' : status === 'pending' ? '' : '⚠';
}

/** Same normalisation as the core's citation parser. */
export function normalisePath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
}

const key = (path: string, start: number, end: number) => `${path}\0${start}\0${end}`;

/** The HTML of one citation chip (also used for context items). */
export function chipHtml(c: { path: string; startLine: number; endLine: number }, status: ChipStatus, reason?: string): string {
  const mark = statusMark(status);
  const cls = `cite cite-${status}${status !== 'verified' && status !== 'pending' ? ' cite-unverified' : ''}`;
  return (
    `<button type="button" class="${cls}" data-path="${escapeHtml(c.path)}" data-start="${c.startLine}" data-end="${c.endLine}" ` +
    `title="${escapeHtml(citationTitle(status, reason))}">${escapeHtml(rangeLabel(c))}` +
    (mark ? `<span class="cite-mark" aria-label="${status === 'verified' ? 'verified' : 'unverified'}">${mark}</span>` : '') +
    `</button>`
  );
}

// Not after an identifier or a closing bracket (that is indexing: `xs[a:3]`) — as the core's parser.
const CITATION_AT = /^\[([^[\]\s`]+?):(\d+)(?:-(\d+))?\]/;

function citationPlugin(md: MarkdownIt.MarkdownIt): void {
  md.inline.ruler.before('link', 'citation', (state, silent) => {
    if (state.src.charCodeAt(state.pos) !== 0x5b /* [ */) return false;
    const prev = state.pos > 0 ? state.src[state.pos - 1] : '';
    if (/[\w\])]/.test(prev)) return false;
    const m = CITATION_AT.exec(state.src.slice(state.pos, state.pos + 1200));
    if (!m) return false;
    if (!silent) {
      const start = Number(m[2]);
      const token = state.push('citation', '', 0);
      token.meta = { path: normalisePath(m[1]), startLine: start, endLine: m[3] !== undefined ? Number(m[3]) : start };
    }
    state.pos += m[0].length;
    return true;
  });
  md.renderer.rules.citation = (tokens, idx, _opts, env) => {
    const c = tokens[idx].meta as { path: string; startLine: number; endLine: number };
    const found = (env as RenderEnv | undefined)?.queues?.get(key(c.path, c.startLine, c.endLine))?.shift();
    return chipHtml(c, found?.status ?? 'pending', found?.reason);
  };
}

function createRenderer(): MarkdownIt.MarkdownIt {
  const md = new MarkdownIt({
    html: false,
    linkify: false,
    typographer: false,
    highlight: (code, lang) => highlight(code, lang),
  });
  md.disable('image');
  md.validateLink = (url: string) => /^(?:https?:|mailto:)/i.test(url.trim());
  const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, opts, _env, self) => self.renderToken(tokens, idx, opts));
  md.renderer.rules.link_open = (tokens, idx, opts, env, self) => {
    tokens[idx].attrSet('rel', 'noopener noreferrer');
    tokens[idx].attrSet('class', 'external');
    return defaultLinkOpen(tokens, idx, opts, env, self);
  };
  md.use(citationPlugin);
  return md;
}

let renderer: MarkdownIt.MarkdownIt | undefined;

/** Renders an answer (or the part streamed so far) to HTML with citation chips. */
export function renderAnswer(markdown: string, citations: readonly CitationView[] = []): string {
  renderer ??= createRenderer();
  const queues = new Map<string, CitationView[]>();
  for (const c of citations) {
    const k = key(normalisePath(c.path), c.startLine, c.endLine);
    const q = queues.get(k);
    if (q) q.push(c);
    else queues.set(k, [c]);
  }
  const env: RenderEnv = { queues };
  return renderer.render(markdown, env);
}
