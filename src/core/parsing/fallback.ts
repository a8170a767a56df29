/**
 * Line-window chunker for files without a grammar (Markdown, JSON, YAML, TOML, shell, unknown) or whose parse
 * failed: windows near `targetLines` cut at blank lines, and — for `headings` languages — before headings.
 */
import type { ChunkOptions } from '../types';
import type { Draft } from './ids';
import { sha256, type Lines } from './text';
import { packRows } from './windows';

const ATX = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const ADOC = /^(={1,6})\s+(\S.*)$/;
const SETEXT = /^ {0,3}(=+|-+)\s*$/;
const FENCE = /^ {0,3}(```|~~~)/;

/** Heading text of each row (undefined when not a heading), skipping fenced code. */
export function headingRows(lines: Lines): Array<string | undefined> {
  const out: Array<string | undefined> = new Array(lines.count);
  let fence: string | undefined;
  for (let r = 0; r < lines.count; r++) {
    const line = lines.slice(r, r);
    const f = FENCE.exec(line);
    if (f) {
      fence = fence === undefined ? f[1] : fence === f[1] ? undefined : fence;
      continue;
    }
    if (fence !== undefined) continue;
    const m = ATX.exec(line) ?? ADOC.exec(line);
    if (m) out[r] = m[2];
    else if (r > 0 && !lines.blank[r - 1] && SETEXT.exec(line) && out[r - 1] === undefined && !/^\s*[-*+]\s/.test(lines.slice(r - 1, r - 1))) {
      out[r - 1] = lines.slice(r - 1, r - 1).trim();
    }
  }
  return out;
}

export function sectionChunks(path: string, language: string, lines: Lines, opts: ChunkOptions, headings: boolean): Draft[] {
  if (!lines.text.trim()) return [];
  const heads = headings ? headingRows(lines) : undefined;
  const isHard = heads ? (r: number) => heads[r] !== undefined : undefined;
  const isBreak = heads ? (r: number) => heads[r] !== undefined || (lines.blank[r - 1] === 1 && !lines.blank[r]) : (r: number) => lines.blank[r - 1] === 1 && !lines.blank[r];
  const windows = packRows(lines, 0, lines.count - 1, opts.targetLines, isBreak, isHard, 2);
  const out: Draft[] = [];
  let heading: string | undefined;
  for (const [a, b] of windows) {
    let own: string | undefined;
    if (heads) {
      for (let r = a; r <= b && own === undefined; r++) own = heads[r];
      // A window continuing a section is named after the section's heading.
      if (own === undefined) own = heading;
      for (let r = b; r >= a; r--) {
        if (heads[r] !== undefined) {
          heading = heads[r];
          break;
        }
      }
    }
    const text = lines.slice(a, b);
    const name = own ?? `${path}#L${a + 1}`;
    out.push({
      key: own ?? '', path, language, kind: 'section', name, qualifiedName: name, startLine: a + 1, endLine: b + 1,
      signature: '', doc: '', text, hash: sha256(text),
    });
  }
  return out;
}
