/**
 * bench/nbowPairs: the training pairs of the builtin embedder's learned part (src/core/embed/learned.ts).
 *   node out/bench/nbowPairs.js --out pairs.jsonl owner/name=/path/to/checkout …
 * A pair is a documented function or method outside tests, examples, docs and vendored code: its doc's first
 * sentence with the function's own name masked (bench/docstringSet.ts's `firstSentence` and `maskName`), and the
 * text the index embeds for the function (`chunkEmbeddingText`) once every doc comment of its file is blanked the way
 * `pinpoint eval` blanks a docstring set's golds, so that the code side never shows the sentence. Both sides are
 * written as the model's words (`learnedWords`). Use repositories that no evaluation set uses (bench/repos.json
 * `train` lists the ones the shipped model was trained on).
 */
import { readFileSync, createWriteStream } from 'node:fs';
import * as path from 'node:path';
import { canonicalWord } from '../src/core/embed/builtin';
import { chunkEmbeddingText } from '../src/core/embed/embedder';
import { learnedWords } from '../src/core/embed/learned';
import { FsHost } from '../src/core/fsHost';
import { createChunker } from '../src/core/parsing';
import { scanWorkspace } from '../src/core/scan';
import { isDocPath, isExamplePath, isTestPath } from '../src/core/search/repoView';
import { blankDocComment } from '../src/core/search/eval/sets';
import type { Chunk } from '../src/core/types';
import { arg } from './common';
import { firstSentence, maskName } from './docstringSet';

const CODE = /\.(py|go|ts|tsx|js|mjs|cjs|java|rs|rb|php|c|h|cc|cpp|hpp|cs)$/;
const VENDORED = /(^|\/)(vendor|deps|third_party|node_modules|dist)\//i;

async function mine(repo: string, dir: string, write: (line: string) => void): Promise<number> {
  const chunker = createChunker({ treeCache: 0 });
  const documented = new Map<string, Chunk[]>();
  await scanWorkspace(new FsHost(dir), chunker, {
    onChunks: (p, cs) => {
      if (!CODE.test(p) || isTestPath(p) || isExamplePath(p) || isDocPath(p, chunker.languageOf(p)) || VENDORED.test(p)) return;
      const docd = cs.filter((c) => (c.kind === 'function' || c.kind === 'method') && !c.part && c.doc.trim() && c.name.length >= 3 && c.endLine - c.startLine >= 2);
      if (docd.length) documented.set(p, docd);
    },
  });
  let n = 0;
  for (const [p, docd] of documented) {
    let lines: string[];
    try {
      lines = readFileSync(path.join(dir, p), 'utf8').split('\n');
    } catch {
      continue;
    }
    for (const c of docd) lines = blankDocComment(lines, c.startLine, c.endLine, p.endsWith('.py') ? 'py' : 'other');
    const blanked = await chunker.chunk(p, lines.join('\n')).catch(() => undefined);
    if (!blanked) continue;
    for (const c of docd) {
      const sentence = maskName(firstSentence(c.doc), c.name);
      const b = sentence && blanked.find((d) => d.qualifiedName === c.qualifiedName && d.endLine === c.endLine);
      if (!sentence || !b || b.doc.trim()) continue;
      write(JSON.stringify({ repo, path: p, q: learnedWords(sentence, canonicalWord).join(' '), c: learnedWords(chunkEmbeddingText(b), canonicalWord).join(' ') }));
      n++;
    }
  }
  process.stderr.write(`${repo}: ${n} pairs from ${documented.size} files\n`);
  return n;
}

async function main() {
  const outFile = arg('--out');
  const specs = process.argv.slice(2).filter((a) => a.includes('=') && !a.startsWith('--'));
  if (!outFile || !specs.length) throw new Error('usage: nbowPairs.js --out FILE owner/name=/path/to/checkout …');
  const out = createWriteStream(outFile);
  for (const s of specs) {
    const [repo, dir] = s.split('=');
    await mine(repo, dir, (line) => out.write(line + '\n'));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
