/**
 * bench/docstringSet: builds a held-out docstring→function set, in the format of ../shared/eval/docstring2func_dev.jsonl,
 * from repositories in languages the development sets do not have (Rust, Java, C, C++, C#, Ruby, PHP, JavaScript).
 *   node out/bench/docstringSet.js --out bench/questions/heldout-docstring.jsonl [--per 40] owner/name=/path/to/clone …
 * Each clone is read at its checked-out commit. A row is a documented function or method outside tests, examples
 * and docs, whose doc comment's first sentence has 4+ words once the function's own name is masked ("this function";
 * a leading name, Go style, is dropped). A row is kept only if blanking its doc comment the way `pinpoint eval` does
 * (src/core/search/eval/sets.ts `blankDocComment`) leaves the chunk without a doc, and its sentence is unique in the
 * repository. `--per` rows per repository are drawn in a fixed order (a hash of where each function is). Nothing is
 * fitted on these sets: they measure how the shipped weights carry to languages and code they were not fitted on.
 */
import { execFileSync } from 'node:child_process';
import { FsHost } from '../src/core/fsHost';
import { createChunker, type Chunker } from '../src/core/parsing';
import { sha256 } from '../src/core/parsing/text';
import { scanWorkspace } from '../src/core/scan';
import { isDocPath, isExamplePath, isTestPath } from '../src/core/search/repoView';
import { blankDocComment } from '../src/core/search/eval/sets';
import type { Chunk } from '../src/core/types';
import { arg, writeRepoRows } from './common';

export const EXT_LANG: Record<string, string> = {
  rs: 'rust', java: 'java', c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', hpp: 'cpp', cs: 'csharp', rb: 'ruby', php: 'php',
  js: 'js', mjs: 'js', cjs: 'js', ts: 'ts', go: 'go', py: 'py',
};

/** A file whose functions may be gold: a source file of a listed language outside tests, examples, docs and vendored code. */
export function isSetSource(p: string, chunker: Chunker): boolean {
  const ext = p.split('.').pop()!.toLowerCase();
  return !!EXT_LANG[ext] && !isTestPath(p) && !isExamplePath(p) && !isDocPath(p, chunker.languageOf(p)) && !/(^|\/)(vendor|deps|third_party|bench(es)?)\//i.test(p);
}

/** The doc's first sentence, markup removed (XML doc tags, Javadoc/JSDoc inline tags, Markdown links). */
export function firstSentence(doc: string): string {
  let t = doc;
  const summary = /<summary>([\s\S]*?)<\/summary>/i.exec(t);
  if (summary) t = summary[1];
  t = t.split(/\n\s*\n/)[0]; // first paragraph
  t = t.split('\n').filter((l) => !/^\s*[@:]\w/.test(l)).join(' '); // block tags (@param, :nodoc:)
  t = t.replace(/<see\s+(?:c?ref|langword)="(?:[A-Z]:)?([^"]+)"\s*\/>/g, '$1').replace(/<\/?[a-z]+[^>]*>/gi, '');
  t = t.replace(/\{@(?:link|linkplain|code|literal)\s+([^}]*)\}/g, '$1').replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
  t = t.replace(/\s+/g, ' ').trim();
  const m = /^(.+?[.!?])(\s|$)/.exec(t);
  return (m ? m[1] : t).trim();
}

/**
 * The sentence with the function's own name masked as the shared set masks it, or undefined when too little is left:
 * a sentence that opens with the name (Go's `Foo returns …`) loses it, and elsewhere the name becomes "this function"
 * (backticks and parentheses around it stay: "`this function()`"). Case-sensitive: `Add each glob` is not `add`.
 */
export function maskName(sentence: string, name: string): string | undefined {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const s = sentence.replace(new RegExp(`^${esc}\\s+`), '').replace(new RegExp(`(?<![\\w$])${esc}(?![\\w$])`, 'g'), 'this function');
  return wordCount(s) >= 4 ? s : undefined;
}

/** Words of a sentence: whitespace-separated pieces with two letters in a row (not `-`, `=`, `#12`). */
export const wordCount = (s: string): number => s.split(/\s+/).filter((w) => /[a-z]{2}/i.test(w)).length;

/**
 * The items in draw order: by a hash of each one's key (where a function is, a commit's id), not a shuffle of the
 * list, so that a change to one candidate (its sentence, or whether it qualifies) does not reorder all the others.
 */
export function inDrawOrder<T>(items: T[], key: (x: T) => string): T[] {
  return items
    .map((x) => ({ x, h: Number.parseInt(sha256(key(x)).slice(0, 12), 16) }))
    .sort((a, b) => a.h - b.h)
    .map((e) => e.x);
}

interface Row { repo: string; commit: string; lang: string; query: string; gold_path: string; gold_symbol: string; start_line: number; end_line: number }

async function rowsOf(repo: string, dir: string, per: number): Promise<Row[]> {
  const commit = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const chunker = createChunker({ treeCache: 0 });
  const host = new FsHost(dir);
  const candidates: { c: Chunk; query: string }[] = [];
  const texts = new Map<string, string>();
  await scanWorkspace(host, chunker, {
    onChunks: (p, cs) => {
      if (!isSetSource(p, chunker)) return;
      for (const c of cs) {
        if ((c.kind !== 'function' && c.kind !== 'method') || c.part || !c.doc.trim() || c.name.length < 3) continue;
        if (c.endLine - c.startLine < 3) continue;
        const query = maskName(firstSentence(c.doc), c.name);
        if (query) candidates.push({ c, query });
      }
    },
  });
  const seen = new Map<string, number>();
  for (const x of candidates) seen.set(x.query.toLowerCase(), (seen.get(x.query.toLowerCase()) ?? 0) + 1);
  const unique = candidates.filter((x) => seen.get(x.query.toLowerCase()) === 1);
  const out: Row[] = [];
  for (const x of inDrawOrder(unique, ({ c }) => `${c.path}#${c.qualifiedName}@${c.startLine}`)) {
    if (out.length >= per) break;
    const { c } = x;
    // Keep it only if the eval's blanking removes the doc comment the chunker sees.
    const text = texts.get(c.path) ?? new TextDecoder().decode(await host.readFile(c.path));
    texts.set(c.path, text);
    const lines = text.split('\n');
    const blanked = blankDocComment(lines, c.startLine, c.endLine, c.path.endsWith('.py') ? 'py' : 'other').join('\n');
    const again = (await chunker.chunk(c.path, blanked)).find((d) => d.qualifiedName === c.qualifiedName && d.endLine === c.endLine);
    if (!again || again.doc.trim()) continue;
    const lang = c.language === 'cpp' ? 'cpp' : EXT_LANG[c.path.split('.').pop()!.toLowerCase()]; // a C++ header named .h
    out.push({ repo, commit, lang, query: x.query, gold_path: c.path, gold_symbol: c.qualifiedName, start_line: again.startLine, end_line: c.endLine });
  }
  process.stderr.write(`${repo}: ${candidates.length} documented functions, ${unique.length} with a unique sentence, ${out.length} kept\n`);
  return out;
}

async function main() {
  const per = Number(arg('--per', '40'));
  await writeRepoRows('docstringSet.js --out FILE [--per N] owner/name=/path/to/clone …', (repo, dir) => rowsOf(repo, dir, per));
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
