/**
 * bench/commitSet: builds training queries from a repository's own history: a commit's subject line (a short,
 * title-like query, as an issue's first line is) or its whole message (a long, issue-like one), and as gold the
 * functions and methods the commit edited. Rows are in the questions format (bench/questions/dev.jsonl), asked of the
 * clone's checked-out commit, so one index per repository serves them all:
 *   node out/bench/commitSet.js --out FILE [--per 40] [--per-long 20] [--depth 3000] owner/name=/path/to/clone …
 * A commit qualifies when
 *  - it is one of the last `--depth` non-merge commits (a merged branch's own commits count);
 *  - its subject says something: 3+ words once a conventional-commit prefix and a PR number are dropped, and not a
 *    release, bump, merge, revert, typo, docs, comment, dependency, CI, lint or formatting commit;
 *  - it modified (not added) 1–3 source files (bench/docstringSet.ts `isSetSource`), at most 120 changed lines in all.
 * Its gold is every function or method whose lines (in the commit's version of the file) a hunk touched, innermost
 * first, 1–4 of them, each kept only if a function of that qualified name is still in that file at the checked-out
 * commit. `--per` subject rows and `--per-long` message rows (a body of 25+ words once trailers, links and PR
 * checklists are dropped) are drawn per repository in a fixed order (a hash of the commit id).
 *
 * The index is the checked-out tree, not the commit's parent: the gold function holds the change the message
 * describes. That makes these rows easier than an issue, whose fix is not yet written. They are for training only
 * (`bench/fit.ts --train-dump`), never measured.
 */
import { execFileSync } from 'node:child_process';
import { createChunker, type Chunker } from '../src/core/parsing';
import { arg, writeRepoRows } from './common';
import { inDrawOrder, isSetSource, wordCount } from './docstringSet';

interface Span { startLine: number; endLine: number }
interface Row { set: string; repo: string; commit: string; query: string; gold: string[]; from: string }

const git = (dir: string, args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });

const SKIP_SUBJECT = /^(merge|bump|release|revert|prepare|version|v?\d+\.\d+|update (the )?(changelog|deps|dependencies|readme|docs?)|changelog|typo|fix(ed)? typo|format|lint|style|docs?\b|ci\b|chore|build|test|tests\b|refactor: ?(format|lint))/i;

/** The subject as a query: without a `type(scope)!:` prefix, a trailing `(#123)` / `#123`, or a trailing period. */
export function cleanSubject(subject: string): string | undefined {
  const prefix = /^(\w+)(\([^)]*\))?!?:\s*/.exec(subject);
  if (prefix && /^(chore|docs?|ci|build|style|test|tests|release|deps)$/i.test(prefix[1])) return undefined;
  const s = subject.replace(/^(\w+)(\([^)]*\))?!?:\s*/, '').replace(/\s*\(?#\d+\)?\s*$/, '').replace(/\s*\[[^\]]*\]\s*$/, '').replace(/\.$/, '').trim();
  if (SKIP_SUBJECT.test(s) || /\b(changelog|readme|typos?|docs?|docstrings?|comments?|wording|copyright|license|pre-commit|dependenc(y|ies)|deps|mypy|flake8|ruff|eslint|prettier|clippy|rustfmt|gofmt|isort|lint(s|er|ing)?|formatting)\b/i.test(s)) return undefined;
  return wordCount(s) >= 3 ? s : undefined;
}

/** The body as issue-like prose: trailers (`Signed-off-by:` …), links, PR templates' checklists and HTML comments dropped. */
export function cleanBody(body: string): string {
  return body
    .replace(/<!--[\s\S]*?-->/g, '')
    .split('\n')
    .filter((l) => !/^\s*[\w-]+-by:|^\s*(fixes|closes|resolves|refs?|see|co-authored-by)\b.*#\d+|^\s*- \[[ x]\]|^\s*https?:\/\/\S+\s*$/i.test(l))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** 1-based line ranges of the new version that `git diff -U0` hunks touch (a pure deletion touches the line before it). */
export function touchedLines(diff: string): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  let file: string | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      file = line.startsWith('+++ b/') ? line.slice(6) : undefined;
      if (file) out.set(file, []);
      continue;
    }
    const h = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (h && file) {
      const start = Number(h[1]);
      const count = h[2] === undefined ? 1 : Number(h[2]);
      out.get(file)!.push(count === 0 ? [Math.max(1, start), Math.max(1, start)] : [start, start + count - 1]);
    }
  }
  return out;
}

async function functionsAt(chunker: Chunker, path: string, text: string) {
  return (await chunker.chunk(path, text)).filter((c) => c.kind === 'function' || c.kind === 'method');
}

async function rowsOf(repo: string, dir: string, per: number, perLong: number, depth: number): Promise<Row[]> {
  const head = git(dir, ['rev-parse', 'HEAD']).trim();
  const chunker = createChunker({ treeCache: 0 });
  const log = git(dir, ['log', '--no-merges', `-n${depth}`, '--format=%H%x00%s%x00%b%x1e']);
  const logged = log.split('\x1e').map((e) => e.trim()).filter(Boolean).map((e) => {
    const [id, subject, body] = e.split('\x00');
    return { id, subject, body: cleanBody((body ?? '').replace(/\r/g, '')) };
  });
  const commits = inDrawOrder(logged, (c) => c.id);
  const headNames = new Map<string, Set<string>>();
  const namesAtHead = async (p: string) => {
    if (!headNames.has(p)) {
      let text: string | undefined;
      try {
        text = git(dir, ['show', `${head}:${p}`]);
      } catch {
        // not in the checked-out tree: none of its functions can be gold
      }
      headNames.set(p, new Set(text === undefined ? [] : (await functionsAt(chunker, p, text)).map((c) => c.qualifiedName)));
    }
    return headNames.get(p)!;
  };
  const out: Row[] = [];
  let short = 0;
  let long = 0;
  for (const c of commits) {
    if (short >= per && long >= perLong) break;
    const query = cleanSubject(c.subject);
    if (!query) continue;
    const bodyWords = wordCount(c.body);
    if (short >= per && bodyWords < 25) continue;
    let stat: string;
    try {
      stat = git(dir, ['diff', '--numstat', '--no-renames', `${c.id}^`, c.id]);
    } catch {
      continue; // the root commit
    }
    const files = stat.trim().split('\n').filter(Boolean).map((l) => l.split('\t')).filter(([, , p]) => isSetSource(p, chunker));
    if (!files.length || files.length > 3 || files.some(([a, d]) => a === '-' || d === '-')) continue;
    if (files.reduce((n, [a, d]) => n + Number(a) + Number(d), 0) > 120) continue;
    const paths = files.map((f) => f[2]);
    const status = git(dir, ['diff', '--name-status', '--no-renames', `${c.id}^`, c.id, '--', ...paths]);
    if (status.split('\n').some((l) => l && !l.startsWith('M\t'))) continue;
    const touched = touchedLines(git(dir, ['diff', '-U0', '--no-renames', `${c.id}^`, c.id, '--', ...paths]));
    const gold = new Set<string>();
    for (const [p, ranges] of touched) {
      const fns = await functionsAt(chunker, p, git(dir, ['show', `${c.id}:${p}`]));
      const keep = await namesAtHead(p);
      const overlaps = (c: Span, [a, b]: [number, number]) => c.startLine <= b && c.endLine >= a;
      const nestedIn = (g: Span & { qualifiedName: string }, f: Span & { qualifiedName: string }) =>
        g.qualifiedName !== f.qualifiedName && g.startLine >= f.startLine && g.endLine <= f.endLine && (g.startLine > f.startLine || g.endLine < f.endLine);
      for (const f of fns) {
        // The innermost function holding a touched range: an outer function whose inner one was edited is not gold.
        const hit = ranges.some((r) => overlaps(f, r) && !fns.some((g) => nestedIn(g, f) && overlaps(g, r)));
        if (hit && keep.has(f.qualifiedName)) gold.add(`${p}#${f.qualifiedName}`);
      }
    }
    if (!gold.size || gold.size > 4) continue;
    if (short < per) {
      out.push({ set: 'questions-commit-subjects', repo, commit: head, query, gold: [...gold], from: c.id });
      short++;
    }
    if (long < perLong && bodyWords >= 25) {
      out.push({ set: 'questions-commit-messages', repo, commit: head, query: `${query}\n\n${c.body}`, gold: [...gold], from: c.id });
      long++;
    }
  }
  process.stderr.write(`${repo}: ${commits.length} commits, ${short} subject rows, ${long} message rows\n`);
  return out;
}

async function main() {
  const per = Number(arg('--per', '40'));
  const perLong = Number(arg('--per-long', '20'));
  const depth = Number(arg('--depth', '3000'));
  await writeRepoRows('commitSet.js --out FILE [--per N] [--per-long N] [--depth N] owner/name=/path/to/clone …', (repo, dir) => rowsOf(repo, dir, per, perLong, depth));
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
