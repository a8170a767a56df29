/** Text helpers of the chunker: line tables, comment/docstring stripping, hashing. */
import * as crypto from 'node:crypto';

/** Line table of a file, computed once: start offsets and blank flags. */
export class Lines {
  /** Offset of the first character of each line (0-based rows). */
  readonly starts: number[];
  readonly blank: Uint8Array;

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    // A trailing newline does not open a new line.
    if (starts.length > 1 && starts[starts.length - 1] === text.length) starts.pop();
    this.starts = starts;
    this.blank = new Uint8Array(starts.length);
    for (let r = 0; r < starts.length; r++) {
      const end = this.endOf(r);
      let b = 1;
      for (let i = starts[r]; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c !== 32 && c !== 9 && c !== 13 && c !== 12 && c !== 11) {
          b = 0;
          break;
        }
      }
      this.blank[r] = b;
    }
  }

  get count(): number {
    return this.starts.length;
  }

  /** Offset just past the last character of a row (before its newline). */
  endOf(row: number): number {
    if (row + 1 < this.starts.length) return this.starts[row + 1] - 1;
    const t = this.text;
    return t.endsWith('\n') ? t.length - 1 : t.length;
  }

  /** Rows `from..to` (0-based, inclusive) joined by `\n`. */
  slice(from: number, to: number): string {
    return this.text.slice(this.starts[from], this.endOf(to));
  }

  /** The 0-based row holding an offset. */
  rowOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** One-shot `crypto.hash` (Node ≥ 20.12) skips the Hash object of `createHash`; older runtimes (VS Code's) fall back. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** sha256 (hex) of the UTF-8 bytes of `text`. */
export const sha256: (text: string) => string = oneShot
  ? (text) => oneShot('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** The text of a comment without its markers (`/** … *\/`, `///`, `//`, `#`), lines trimmed. */
export function stripComment(text: string): string {
  let t = text.trim();
  if (t.startsWith('/*')) {
    t = t.replace(/^\/\*+!?/, '').replace(/\*+\/$/, '');
    return cleanLines(t.split('\n').map((l) => l.replace(/^\s*\*(?!\/) ?/, '')));
  }
  return cleanLines(t.split('\n').map((l) => l.replace(/^\s*(?:\/\/[/!]?|#+|--) ?/, '')));
}

/** Several comments, each stripped, joined by newlines; XML doc tags (`<summary>`) removed. */
export function stripComments(texts: string[]): string {
  return texts
    .map(stripComment)
    .join('\n')
    .replace(/<\/?(?:summary|remarks|para|returns)>/g, '')
    .trim();
}

/** A Python-style docstring literal without prefix and quotes, dedented (like `inspect.cleandoc`). */
export function stripDocstring(literal: string): string {
  const m = /^[rRuUbBfF]{0,2}("""|'''|"|')([\s\S]*?)\1?$/.exec(literal.trim());
  const body = m ? m[2].replace(/("""|'''|"|')$/, '') : literal;
  const lines = body.split('\n');
  let indent = Infinity;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (!l.trim()) continue;
    indent = Math.min(indent, l.length - l.trimStart().length);
  }
  const out = lines.map((l, i) => (i === 0 ? l.trim() : indent === Infinity ? l.trim() : l.slice(indent).trimEnd()));
  return cleanLines(out);
}

function cleanLines(lines: string[]): string {
  const out = lines.map((l) => l.trimEnd());
  while (out.length && !out[0].trim()) out.shift();
  while (out.length && !out[out.length - 1].trim()) out.pop();
  return out.join('\n');
}
