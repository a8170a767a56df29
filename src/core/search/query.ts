/**
 * Query understanding: what a developer would pull out of a question before searching.
 *
 * A query can be a few words, a symbol name, a pasted stack trace or a whole GitHub issue. `parseQuery`
 * extracts, each as the signal it is:
 *  - `frames`: traceback frames (Python `File "x.py", line 3, in f`, JS `at f (x.js:3:7)`, `x.py:12` style; Java and
 *    Kotlin, C#, Go, Rust, Ruby and PHP stack traces too, see OTHER_FRAMES);
 *  - `paths`: file paths (`src/a/b.py`, `./lib/x.ts`, `a/b.go:12`) and links to files on a code host
 *    (`https://github.com/o/r/blob/main/a/b.py#L12`), with a line when one is given;
 *  - `dotted`: dotted names (`django.db.models.query.QuerySet`, `QuerySet.bulk_create`);
 *  - `code`: backticked / quoted code spans;
 *  - `identifiers`: code-shaped names (camelCase, snake_case, dotted parts, names written as calls `f()`,
 *    names inside code spans), each with how it was seen (`strength`);
 *  - `errors`: exception names (`TypeError`, `ValidationError`) and error message lines;
 *  - `words`: the remaining natural-language content words;
 *  - `refs`: names written only inside doc-comment cross-reference markup (:func:`x`, {@link X}, [pkg.Name]: docRefs.ts);
 *    only for short queries and questions: an issue or a trace names what it is about, references included.
 * Pure and deterministic; no index access (resolution against the index happens in symbols.ts).
 */

import { docReferenceNames } from './docRefs';

export type QueryKind = 'words' | 'symbol' | 'trace' | 'issue';

export interface Frame {
  path: string;
  line?: number;
  func?: string;
}

export interface PathMention {
  path: string;
  line?: number;
  /** From a link to a code host (`…/blob/<ref>/<path>`): it names a workspace file only if one whole path ends the other. */
  linked?: boolean;
}

export interface IdentMention {
  name: string;
  /** 3 backticked / in code or a frame, 2 code-shaped (camel/snake/dotted/call), 1 a capitalised word. */
  strength: number;
  count: number;
}

export interface ParsedQuery {
  raw: string;
  kind: QueryKind;
  frames: Frame[];
  paths: PathMention[];
  dotted: string[];
  code: string[];
  identifiers: IdentMention[];
  errors: string[];
  words: string[];
  /** Names the query writes only as doc-comment cross-references (docRefs.ts): references to other symbols. Empty for
   *  an issue or a trace, whose fitted model learned to trust every name they write. */
  refs: string[];
  /** Text of the query without traceback noise (site-packages paths, `^^^` markers), for lexical search. */
  text: string;
}

const FILE_EXT =
  'py|pyi|pyx|js|jsx|mjs|cjs|ts|tsx|mts|cts|go|rs|java|kt|scala|rb|php|c|h|cc|cpp|hpp|cxx|cs|swift|m|mm|lua|sh|' +
  'json|ya?ml|toml|ini|cfg|md|rst|txt|html|css|scss|vue|svelte|sql|proto|gradle|xml';
// A pattern that scans free text must start only where a token starts (a lookbehind) or bound what it repeats;
// otherwise it re-scans a token from every position inside it: quadratic, minutes for a pasted 100 KB minified line.
const PATH_RE = new RegExp(
  String.raw`(?<![\w.@~/\\-])(?:[A-Za-z]:)?(?:[\w.@~-]*[\\/])*[\w.@-]+\.(?:${FILE_EXT})(?![\w])(?::(\d+))?(?::\d+)?`,
  'g',
);
const PY_FRAME_RE = /File "([^"]+)", line (\d+)(?:, in ([\w.<>]+))?/g;
const JS_FRAME_RE = /\bat (?:(?:async )?([\w$.<>[\]]+) )?\(?((?:file:\/\/)?[^\s()]+?\.(?:[cm]?[jt]sx?)):(\d+)(?::\d+)?\)?/g;
/**
 * A link to a file in a code host's web view: `…/owner/repo/blob/<ref>/<path>#L10-L20` (GitHub, Gitea),
 * `…/-/blob/<ref>/<path>#L10` (GitLab, subgroups too), `…/src/<ref>/<path>#lines-10` (Bitbucket). A ref with
 * slashes leaves its tail in the path (`stable/2.2.x` → `2.2.x/django/…`); resolution (signals.ts) accepts a workspace
 * file when one whole path ends the other.
 */
const SOURCE_URL_RE =
  /\bhttps?:\/\/[^\s/]+\/(?:[^\s/]+\/[^\s/]+\/(?:-\/)?(?:blob|src)|(?:[^\s/]+\/){3,}?-\/blob)\/[^\s/]+\/([^\s?#)\]>"'`]+)(?:\?[^\s#)\]>"'`]*)?(?:#(?:L|lines-)(\d+))?/g;
/**
 * Stack frames of other runtimes, each as printed (innermost first, like JS; Python's innermost comes last). `func` is
 * `Class.method` or a plain name, the way chunks are qualified.
 */
const OTHER_FRAMES: { re: RegExp; frame: (m: RegExpMatchArray) => Frame }[] = [
  // JVM: `at com.example.shop.Cart.total(Cart.java:42)`: the package gives the file's directories.
  {
    re: /\bat ((?:[\w$]+\.)+)([\w$<>]+)\(([\w$-]+\.(?:java|kt|kts|scala|groovy)):(\d+)\)/g,
    frame: (m) => {
      const parts = m[1].split('.').filter(Boolean);
      const cls = parts.pop()!.replace(/\$/g, '.');
      return { path: [...parts, m[3]].join('/'), line: Number(m[4]), func: m[2] === '<init>' ? cls : `${cls}.${m[2]}` };
    },
  },
  // .NET: `at Shop.Cart.Total() in C:\src\Shop\Cart.cs:line 42`.
  {
    re: /\bat (?:[\w`<>]+\.){0,32}?([\w`<>]+)\.([\w`<>]+)\([^()\n]{0,500}\) in ([^\n]{1,500}?\.cs):line (\d+)/g,
    frame: (m) => ({ path: m[3], line: Number(m[4]), func: `${m[1]}.${m[2]}` }),
  },
  // Go: `main.(*Server).handle(…)` then, indented, `/src/server.go:42 +0x1d` (arguments hold no parentheses).
  {
    re: /^[\w./~%-]+?\.(?:\(\*?(\w+)\)\.)?(\w+)\([^()\n]*\)\r?\n[ \t]+(\S+\.go):(\d+)/gm,
    frame: (m) => ({ path: m[3], line: Number(m[4]), func: m[1] ? `${m[1]}.${m[2]}` : m[2] }),
  },
  // Rust backtraces: `  3: app::lexer::Lexer::next_token` then `at ./src/lexer.rs:120:9`.
  {
    re: /^[ \t]*\d+: ((?:[\w<>]+::)*[\w<>]+)\r?\n[ \t]+at (\S+\.rs):(\d+)/gm,
    frame: (m) => {
      const segs = m[1].split('::');
      const owner = segs.length > 1 && /^[A-Z]/.test(segs[segs.length - 2]) ? `${segs[segs.length - 2]}.` : '';
      return { path: m[2], line: Number(m[3]), func: owner + segs[segs.length - 1] };
    },
  },
  // Ruby: ``app/models/cart.rb:10:in `checkout'``, `in 'Cart#checkout'`, `in 'block in checkout'`.
  {
    re: /(?<![^\s:'"`])([^\s:'"`]+\.rb):(\d+):in [`']([^'`\n]+)'/g,
    frame: (m) => {
      const label = m[3].replace(/^(?:(?:block|rescue|ensure)(?: \(\d+ levels\))? in )+/, '');
      return { path: m[1], line: Number(m[2]), ...(label.startsWith('<') ? {} : { func: label.replace(/[#]/g, '.') }) };
    },
  },
  // PHP: where it was thrown (`… in /var/www/src/Cart.php:42`, `on line 42`), then `#0 /var/www/src/Checkout.php(17):
  // Cart->checkout()`, whose line is the call's, in the caller.
  { re: /\bin (\S+\.php)(?::| on line )(\d+)/g, frame: (m) => ({ path: m[1], line: Number(m[2]) }) },
  { re: /#\d+ (\S+\.php)\((\d+)\): /g, frame: (m) => ({ path: m[1], line: Number(m[2]) }) },
];

/** IPython-style frames: `/path/core.py in __eq__(self, other)`. */
const IPY_FRAME_RE = /(?<![^\s"'])([^\s"']+\.py) in ([\w<>]+)\(/g;
const DOTTED_RE = /\b[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+\b/g;
/** A longer chain of dots is data (a minified line, a version soup), not a module path: resolving it is quadratic. */
const MAX_DOTTED_PARTS = 32;
const IDENT_RE = /[A-Za-z_$][\w$]*/g;
const CODE_RE = /```[\s\S]*?```|`([^`\n]+)`/g;
const ERROR_RE = /\b([A-Z][A-Za-z0-9]*(?:Error|Exception|Warning|Exit|Interrupt|Fault))\b/g;
// `[ \t]*`, not `\s*`: from every line start, `\s*` ran over all the blank lines below (quadratic).
const ERROR_LINE_RE = /^[ \t]*(?:[\w.]+\.)?([A-Z]\w*(?:Error|Exception|Warning)):\s*(.+)$/gm;

const STOP = new Set(
  ('a an and are as at be but by can could did do does for from had has have how i if in into is it its me my no not ' +
    'of on or our so than that the their them then there these they this those to too us was we were what when where ' +
    'which while who why will with would you your should also just only some any all after before about again because ' +
    'been being very way here like want need see get got seems seem still using use used please hi thanks thank ' +
    'e g eg ie etc one two may might must shall following expected actual result results behavior behaviour issue ' +
    'bug problem example code error errors work works working fix fixed case cases think same new old now instead ' +
    'other another such more most less each every both either neither something anything nothing true false none null')
    .split(' '),
);

/** Extension-like last components that make `a.b` look like a file, not a dotted name. */
const FILE_LIKE = new RegExp(`\\.(?:${FILE_EXT})$`);
/** Common non-code dotted words (`e.g.`, `i.e.`, versions). */
const DOTTED_NOISE = /^(?:e\.g|i\.e|etc|vs|www\.|http|https)\b/i;

export function isCodeShaped(name: string): boolean {
  if (name.length < 2) return false;
  if (/_/.test(name.replace(/^_+|_+$/g, ''))) return true; // snake_case
  if (/^__\w+__$/.test(name)) return true; // dunder
  if (/[a-z][A-Z]/.test(name)) return true; // camelCase / PascalCase with an inner capital
  if (/^[A-Z][a-z]+[A-Z]/.test(name)) return true;
  if (/[A-Za-z]\d/.test(name) && /[A-Za-z]/.test(name) && name.length > 2) return true;
  return false;
}

/** A linked file worth a path mention: one with a known extension (not a directory, an image or a README badge). */
const PATH_IN_URL = new RegExp(`\\.(?:${FILE_EXT})$`, 'i');

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A `/`-separated path's last segment, lower-cased: how paths are matched by name (RepoView's basename index). */
export function lowerBasename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).toLowerCase();
}

function normalizePath(p: string): string {
  let s = p.replace(/\\/g, '/').replace(/^file:\/\//, '');
  s = s.replace(/^\.\//, '');
  // Installed-package paths: keep what follows site-packages / dist-packages / node_modules.
  const m = s.match(/(?:site-packages|dist-packages|node_modules)\/(.+)$/);
  if (m) s = m[1];
  return s;
}

/** Parses a query (see the module comment). */
export function parseQuery(raw: string): ParsedQuery {
  const frames: Frame[] = [];
  const paths = new Map<string, PathMention>();
  const idents = new Map<string, IdentMention>();
  const addIdent = (name: string, strength: number) => {
    if (name.length < 2 || /^\d/.test(name)) return;
    const cur = idents.get(name);
    if (cur) {
      cur.count++;
      cur.strength = Math.max(cur.strength, strength);
    } else idents.set(name, { name, strength, count: 1 });
  };
  const addPath = (p: string, line?: number, linked = false) => {
    const path = normalizePath(p);
    if (!path || /^https?:/.test(path)) return;
    const cur = paths.get(path);
    if (!cur) paths.set(path, linked ? { path, line, linked } : { path, line });
    else {
      if (line && !cur.line) cur.line = line;
      if (!linked) delete cur.linked; // also written out in the text: a plain mention, resolved as any other
    }
  };

  for (const m of raw.matchAll(PY_FRAME_RE)) {
    frames.push({ path: normalizePath(m[1]), line: Number(m[2]), func: m[3] });
    addPath(m[1], Number(m[2]));
    if (m[3] && !m[3].startsWith('<')) addIdent(m[3], 3);
  }
  for (const m of raw.matchAll(JS_FRAME_RE)) {
    frames.push({ path: normalizePath(m[2]), line: Number(m[3]), func: m[1] });
    addPath(m[2], Number(m[3]));
    if (m[1]) for (const part of m[1].split('.')) if (part && !/^(Object|async|new|<anonymous>)$/.test(part)) addIdent(part, 3);
  }
  const framed = new Set<string>(); // basenames of these frames' files: a bare `Cart.java:42` beside them is the same file
  for (const { re, frame } of OTHER_FRAMES) {
    for (const m of raw.matchAll(re)) {
      const f = frame(m);
      const path = normalizePath(f.path);
      frames.push({ ...f, path });
      framed.add(lowerBasename(path));
      addPath(f.path, f.line);
      if (f.func) for (const part of f.func.split('.')) if (!part.startsWith('<')) addIdent(part, 3);
    }
  }
  for (const m of raw.matchAll(IPY_FRAME_RE)) {
    frames.push({ path: normalizePath(m[1]), func: m[2] });
    addPath(m[1]);
    if (!m[2].startsWith('<')) addIdent(m[2], 3);
  }
  for (const m of raw.matchAll(SOURCE_URL_RE)) if (PATH_IN_URL.test(m[1])) addPath(decodeURIComponentSafe(m[1]), m[2] ? Number(m[2]) : undefined, true);
  const urlFree = raw.replace(/\bhttps?:\/\/\S+/g, ' ');
  for (const m of urlFree.matchAll(PATH_RE)) {
    const whole = m[0];
    const p = whole.replace(/(?::\d+){1,2}$/, '');
    // A bare `name.py` counts; a dotted identifier ending in a file-ish word (`self.json`) mostly does not.
    if (!/[\\/]/.test(p) && /^[a-z_]\w*\.(json|md|txt|html|css|xml|sql|m|h|c|sh|cfg|ini)$/i.test(p) && !/:\d/.test(whole)) continue;
    if (!/[\\/]/.test(p) && framed.has(p.toLowerCase())) continue;
    addPath(p, m[1] ? Number(m[1]) : undefined);
  }

  const code: string[] = [];
  for (const m of raw.matchAll(CODE_RE)) {
    const span = m[1] ?? m[0].replace(/^```\w*\n?|```$/g, '');
    if (m[1]) code.push(span.trim());
    for (const id of span.matchAll(IDENT_RE)) {
      const name = id[0];
      // Inline backticks name code; inside fenced blocks only code-shaped names count strongly.
      if (m[1]) addIdent(name, isCodeShaped(name) || /^[A-Z]/.test(name) || span.trim() === name ? 3 : 2);
      else if (isCodeShaped(name)) addIdent(name, 2);
    }
  }

  const dotted = new Set<string>();
  for (const m of urlFree.matchAll(DOTTED_RE)) {
    const d = m[0];
    if (FILE_LIKE.test(d) || DOTTED_NOISE.test(d) || /^\d/.test(d)) continue;
    const parts = d.split('.');
    if (parts.length > MAX_DOTTED_PARTS || parts.some((p) => p.length === 0)) continue;
    // `self.foo`, `np.array` are still useful: keep the part names, drop `self`/`cls` as a dotted head.
    const head = parts[0];
    const meaningful = /^(self|cls|this)$/.test(head) ? parts.slice(1) : parts;
    if (meaningful.length >= 2) dotted.add(meaningful.join('.'));
    for (const p of meaningful) addIdent(p, isCodeShaped(p) || meaningful.length > 1 ? 2 : 1);
  }

  for (const m of urlFree.matchAll(IDENT_RE)) {
    const name = m[0];
    const after = urlFree.slice(m.index! + name.length, m.index! + name.length + 1);
    if (isCodeShaped(name)) addIdent(name, 2);
    else if (after === '(' && name.length > 2 && !STOP.has(name.toLowerCase())) addIdent(name, 2);
    else if (/^[A-Z][a-z]+$/.test(name) && m.index! > 0 && !/[.!?]\s*$/.test(urlFree.slice(Math.max(0, m.index! - 3), m.index!)))
      addIdent(name, 1); // a capitalised word mid-sentence: maybe a class name
  }

  const errors = new Set<string>();
  for (const m of raw.matchAll(ERROR_RE)) {
    errors.add(m[1]);
    addIdent(m[1], 2);
  }
  for (const m of raw.matchAll(ERROR_LINE_RE)) errors.add(`${m[1]}: ${m[2].trim().slice(0, 200)}`);

  const words: string[] = [];
  for (const m of urlFree.matchAll(/[A-Za-z][a-z]+/g)) {
    const w = m[0].toLowerCase();
    if (w.length > 2 && !STOP.has(w)) words.push(w);
  }

  // Lexical text: drop installed-package path prefixes and caret/tilde marker lines, keep everything else.
  const text = raw
    .replace(/(?:\/[\w.@-]+){1,64}\/(?:site-packages|dist-packages|node_modules)\//g, ' ') // {1,64}: `+` was quadratic on a long chain of segments
    .replace(/^[\s^~-]+$/gm, ' ');

  const identifiers = [...idents.values()];
  const trimmed = raw.trim();
  let kind: QueryKind;
  if (frames.length >= 2 || (frames.length && trimmed.length < 2000)) kind = 'trace';
  else if (trimmed.length > 300 || trimmed.split('\n').length > 3) kind = 'issue';
  else if (/^[\w$.:#/\\-]+(\(\))?$/.test(trimmed) && (isCodeShaped(trimmed) || /[.:#]/.test(trimmed) || /^[A-Z]/.test(trimmed)))
    kind = 'symbol';
  else kind = 'words';
  if (kind === 'symbol') addIdent(trimmed.replace(/\(\)$/, '').split(/[.:#/\\]+/).pop()!, 3);

  const refs = kind === 'issue' || kind === 'trace' ? [] : docReferenceNames(raw);
  return { raw, kind, frames, paths: [...paths.values()], dotted: [...dotted], code, identifiers, errors: [...errors], words, refs, text };
}

/**
 * A question in words ("where is the session saved?", "how does routing work", "… ?"): ranked by the model fitted
 * on where/how questions (model.ts `question`), which weigh evidence differently from descriptions and titles.
 */
export function isQuestionText(query: string): boolean {
  const q = query.trim();
  return /^(where|how|what|which|why|when|who)\b/i.test(q) || /\?$/.test(q);
}

/**
 * The text a reader of the query sees: HTML comments (`<!-- … -->`, the instructions of GitHub issue templates,
 * "This comments are hidden when you submit the issue…") are not shown where the issue was written and say nothing
 * about the code, so they are dropped before any signal is taken. An unclosed `<!--` is kept as written.
 */
export function visibleQueryText(query: string): string {
  // `/<!--[\s\S]*?-->/g`, written out: the pattern re-scans the rest of the text from every unclosed `<!--` (quadratic).
  let at = query.indexOf('<!--');
  if (at < 0) return query;
  let out = '';
  let from = 0;
  for (; at >= 0; at = query.indexOf('<!--', from)) {
    const end = query.indexOf('-->', at + 4);
    if (end < 0) break; // unclosed: shown as written, like every `<!--` after it
    out += `${query.slice(from, at)} `;
    from = end + 3;
  }
  return out + query.slice(from);
}

/** The first line of a text with anything but white space on it, trimmed. */
export function firstNonEmptyLine(text: string): string | undefined {
  for (const line of text.split('\n', 64)) if (line.trim()) return line.trim();
  return undefined;
}

/** GitHub's limit on an issue title. */
const MAX_TITLE = 256;
/**
 * First lines that summarise nothing: a traceback's header or frame, a console prompt, a code fence. A pasted stack
 * trace starts with one of these, and its "best match" would be whatever happens to share those words.
 */
const NOT_A_TITLE = /^(?:Traceback \(most recent call last\)|File "[^"]+", line \d|at \S+ \(|at \S+:\d|>>>|\$ |In \[\d*\]:|```)/;

/**
 * The title of an issue-like text: its first non-empty line, when more text follows it, it is no longer than an
 * issue title can be, and it is not the start of a stack trace, a console session or a code block. A pasted issue
 * starts with its title, the writer's own summary of the problem, and a search for it alone is a sharper query than
 * the whole text (gatherSignals' `title`).
 */
export function issueTitle(text: string): string | undefined {
  const first = firstNonEmptyLine(text);
  if (!first || first.length > MAX_TITLE || NOT_A_TITLE.test(first) || !/[A-Za-z]{2}/.test(first)) return undefined;
  const rest = text.slice(text.indexOf(first) + first.length);
  return rest.trim() ? first : undefined;
}
