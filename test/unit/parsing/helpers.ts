import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { Chunk } from '../../../src/core/types';
import { fixturesDir } from '../../helpers/paths';

export const languagesDir = path.join(fixturesDir, 'languages');

/** Every fixture file under test/fixtures/languages (golden files excluded), workspace-relative with `/`. */
export function fixtureFiles(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(languagesDir).sort()) {
    const full = path.join(languagesDir, dir);
    if (!statSync(full).isDirectory()) continue;
    for (const f of readdirSync(full).sort()) if (!f.endsWith('.golden.json')) out.push(`${dir}/${f}`);
  }
  return out;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** 1-based numbers of the non-blank lines no chunk covers. */
export function uncoveredLines(text: string, chunks: Chunk[]): number[] {
  const lines = text.split('\n');
  const covered = new Uint8Array(lines.length + 2);
  for (const c of chunks) covered.fill(1, c.startLine, c.endLine + 1);
  const out: number[] = [];
  lines.forEach((l, i) => {
    if (l.trim() && !covered[i + 1]) out.push(i + 1);
  });
  return out;
}

/** Lines `start..end` (1-based, inclusive) of a text. */
export function linesOf(text: string, start: number, end: number): string {
  return text.split('\n').slice(start - 1, end).join('\n');
}
