/** Bounded text for the model: pieces are added while they fit a character budget; what did not fit is said. */

/** Rough token estimate for budgets (≈ 4 characters a token for code). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export class BoundedText {
  private readonly parts: string[] = [];
  private used = 0;
  /** Set once something did not fit. */
  cut = false;

  constructor(readonly maxChars: number) {}

  get remaining(): number {
    return Math.max(0, this.maxChars - this.used);
  }

  /** Adds `text` (plus a newline) if it fits; returns whether it did. */
  add(text: string): boolean {
    const cost = text.length + 1;
    if (cost > this.remaining) {
      this.cut = true;
      return false;
    }
    this.parts.push(text);
    this.used += cost;
    return true;
  }

  /** Adds a note regardless of the budget (notes are short). */
  note(text: string): void {
    this.parts.push(text);
    this.used += text.length + 1;
  }

  toString(): string {
    return this.parts.join('\n');
  }
}

/**
 * Adds numbered lines `start..end` of `lines` one by one while they fit, after `header`.
 * Returns the last line included (start − 1 when none fit).
 */
export function addNumberedLines(out: BoundedText, header: string | undefined, lines: string[], start: number, end: number, maxLineChars = 400): number {
  const width = String(end).length;
  const first = `${String(start).padStart(width)}| ${cutLine(lines[start - 1] ?? '', maxLineChars)}`;
  if (header !== undefined && !out.add(header + '\n' + first)) return start - 1;
  if (header === undefined && !out.add(first)) return start - 1;
  for (let n = start + 1; n <= end; n++) {
    if (!out.add(`${String(n).padStart(width)}| ${cutLine(lines[n - 1] ?? '', maxLineChars)}`)) return n - 1;
  }
  return end;
}

function cutLine(l: string, max: number): string {
  return l.length > max ? l.slice(0, max) + ' …[line cut]' : l;
}

/** The citation form of a range: `[path:41-58]`, or `[path:41]` for one line. */
export function cite(path: string, start: number, end: number): string {
  return start === end ? `[${path}:${start}]` : `[${path}:${start}-${end}]`;
}
