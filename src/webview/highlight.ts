/**
 * A small, DOM-free token colouring for code blocks: comments, strings, numbers and keywords of the common
 * languages, as `<span class="tok-…">` around HTML-escaped text. Colours come from the theme's CSS variables
 * (media/chat.css). Not a parser: good enough to read, never a way to inject markup (everything is escaped).
 */

const KEYWORDS = new Set(
  (
    'abstract as async await break case catch class const continue def default defer del delete do elif else enum export ' +
    'extends false final finally fn for from func function go if impl implements import in interface is lambda let loop ' +
    'match mod module mut namespace new nil none None not null of or and package pass private protected pub public raise ' +
    'readonly return self static struct super switch this throw throws trait true True False try type typeof undefined ' +
    'unsafe use using val var void where while with yield'
  ).split(' '),
);

const HASH_COMMENT = new Set(['python', 'py', 'ruby', 'rb', 'sh', 'bash', 'shell', 'zsh', 'yaml', 'yml', 'toml', 'r', 'perl', 'makefile', 'dockerfile', 'ini', 'conf']);

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** One pass of a sticky regex per token class, in priority order. */
function tokenRegex(lang: string): RegExp {
  const hash = HASH_COMMENT.has(lang.toLowerCase());
  const comment = hash ? String.raw`#[^\n]*` : String.raw`\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)`;
  const strings = String.raw`"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|\x60(?:[^\x60\\]|\\[\s\S])*\x60?`;
  const number = String.raw`\b(?:0[xXbBoO][\da-fA-F_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)[nLlfFuU]*\b`;
  const word = String.raw`[A-Za-z_$][\w$]*`;
  return new RegExp(`(${comment})|(${strings})|(${number})|(${word})`, 'g');
}

/** Escaped HTML of `code` with token spans. Unknown languages get the same generic colouring. */
export function highlight(code: string, lang = ''): string {
  if (code.length > 200_000) return escapeHtml(code);
  const re = tokenRegex(lang);
  let out = '';
  let last = 0;
  for (const m of code.matchAll(re)) {
    const i = m.index ?? 0;
    out += escapeHtml(code.slice(last, i));
    last = i + m[0].length;
    const text = escapeHtml(m[0]);
    if (m[1] !== undefined) out += `<span class="tok-comment">${text}</span>`;
    else if (m[2] !== undefined) out += `<span class="tok-string">${text}</span>`;
    else if (m[3] !== undefined) out += `<span class="tok-number">${text}</span>`;
    else if (KEYWORDS.has(m[0])) out += `<span class="tok-keyword">${text}</span>`;
    else out += text;
  }
  return out + escapeHtml(code.slice(last));
}
