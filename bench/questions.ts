/**
 * bench/questions: "where / how" questions about a codebase, asked offline, judged against the functions that
 * answer them. The docstring and SWE-bench sets hold no questions of this kind, yet they are what `pinpoint ask`
 * is asked. The set for this repository, bench/questions/pinpoint.jsonl, was written (questions and gold functions)
 * before any of its questions was run.
 *   node out/bench/questions.js [--set bench/questions/pinpoint.jsonl] [--workspace <repo root>] [--repo owner/name] [--out F.json]
 *   node out/bench/questions.js --set bench/questions/dev.jsonl --repos /work/repos [--out F.json]
 * A set whose rows name their repository and commit (bench/questions/dev*.jsonl) is asked of each repository under
 * `--repos` (`<dir>/<owner>__<name>`, which must be checked out at the rows' commit), reported per repository and
 * in all; `--repo` keeps one repository's rows.
 * Row: {"query": "...", "gold": ["path#QualifiedName", ...]}; any gold counts. A citation hits a gold when its
 * lines lie inside the gold definition. Golds missing from the index (renamed code) are reported, never skipped
 * silently. Records, per question, the rank of the first gold among the offline answer's citations and among the
 * reranked search's top 10.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { answerOffline, workspaceFromIndex } from '../src/core/assistant';
import { openWorkspaceIndex } from '../src/core/index/workspaceIndex';
import { parseSpanId, spanId, spanMatches } from '../src/core/search/eval/sets';
import type { Chunk } from '../src/core/types';
import { arg, machine } from './common';

interface Row {
  query: string;
  gold: string[];
  repo?: string;
  commit?: string;
}
interface Result {
  query: string;
  missing: string[];
  answerRank: number;
  searchRank: number;
  answerTop: string | null;
}
interface Span {
  path: string;
  start: number;
  end: number;
}

const root = path.join(__dirname, '..', '..');

/**
 * The definitions the golds name (`path#QualifiedName`, matched as the eval sets match gold spans: the qualified
 * name or a suffix of it at a `.`), and the golds that name none.
 */
function resolveGolds(chunks: Chunk[], gold: string[]): { golds: Span[]; missing: string[] } {
  const spans = gold.map(parseSpanId);
  const found = new Set<string>();
  const golds: Span[] = [];
  for (const c of chunks) {
    const ids = spanMatches(c, spans);
    if (!ids.length) continue;
    for (const id of ids) found.add(id);
    golds.push({ path: c.path, start: c.startLine, end: c.endLine });
  }
  return { golds, missing: spans.map(spanId).filter((id) => !found.has(id)) };
}

const inside = (s: Span, golds: Span[]) => golds.some((g) => g.path === s.path && s.start >= g.start && s.end <= g.end);

/** 1-based rank of the first span inside a gold, or 0. */
const firstHit = (spans: Span[], golds: Span[]) => spans.findIndex((s) => inside(s, golds)) + 1;

/** Asks every question of one workspace: the first right citation of the offline answer and of the search's top 10. */
async function askAll(ws: string, rows: Row[]): Promise<Result[]> {
  const idx = await openWorkspaceIndex({ root: ws, indexDir: path.join(root, 'bench', '.work', `questions-${path.basename(ws)}`), owner: 'bench/questions' });
  try {
    await idx.indexer.indexAll();
    const workspace = workspaceFromIndex(idx);
    const chunks = [...idx.indexer.store.chunks()];
    const results: Result[] = [];
    for (const r of rows) {
      const { golds, missing } = resolveGolds(chunks, r.gold);
      const answer = await answerOffline({ question: r.query, workspace });
      const cited = answer.citations.map((c) => ({ path: c.path, start: c.startLine, end: c.endLine }));
      const hits = await workspace.retriever.search(r.query, 10);
      const searched = hits.map((h) => ({ path: h.chunk.path, start: h.chunk.startLine, end: h.chunk.endLine }));
      results.push({
        query: r.query, missing, answerRank: firstHit(cited, golds), searchRank: firstHit(searched, golds),
        answerTop: answer.citations[0] ? `${answer.citations[0].path}:${answer.citations[0].startLine}` : null,
      });
    }
    return results;
  } finally {
    await idx.close();
  }
}

function summarize(results: Result[]) {
  const n = results.length;
  const share = (f: (x: Result) => boolean) => results.filter(f).length / n;
  return {
    questions: n,
    answerAcc1: share((x) => x.answerRank === 1),
    answerAcc5: share((x) => x.answerRank >= 1 && x.answerRank <= 5),
    searchAcc1: share((x) => x.searchRank === 1),
    searchAcc10: share((x) => x.searchRank >= 1),
    searchMrr10: results.reduce((a, x) => a + (x.searchRank ? 1 / x.searchRank : 0), 0) / n,
    missingGolds: results.flatMap((x) => x.missing),
  };
}

const pct = (v: number) => (100 * v).toFixed(1);
const row = (label: string, s: ReturnType<typeof summarize>) =>
  `| ${label} | ${s.questions} | ${pct(s.answerAcc1)} | ${pct(s.answerAcc5)} | ${pct(s.searchAcc1)} | ${pct(s.searchAcc10)} | ${s.searchMrr10.toFixed(3)} |`;

async function main() {
  const set = arg('--set', path.join(root, 'bench', 'questions', 'pinpoint.jsonl'))!;
  const repo = arg('--repo');
  const reposDir = arg('--repos');
  const rows = readFileSync(set, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row).filter((r) => !repo || r.repo === repo);
  if (!rows.length) throw new Error(`no questions in ${set}${repo ? ` for ${repo}` : ''}`);
  // One workspace, or with --repos each row's repository (<dir>/<owner>__<name>, checked out at the row's commit).
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    if (reposDir && !r.repo) throw new Error(`--repos: a row of ${set} names no repository`);
    const key = reposDir ? r.repo! : '';
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(r);
  }
  const perRepository: Record<string, ReturnType<typeof summarize>> = {};
  const results: Result[] = [];
  for (const [name, group] of groups) {
    let ws = path.resolve(arg('--workspace', root)!);
    if (reposDir) {
      ws = path.resolve(reposDir, name.replace('/', '__'));
      const head = execFileSync('git', ['-C', ws, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
      const want = group.find((r) => r.commit && r.commit !== head)?.commit;
      if (want) throw new Error(`${ws} is at ${head}, the set asks about ${want}: check that commit out first`);
    }
    const got = await askAll(ws, group);
    if (reposDir) perRepository[name] = summarize(got);
    results.push(...got);
  }
  const summary = summarize(results);
  const out = arg('--out');
  const record = { machine: machine(), date: new Date().toISOString(), set: path.relative(root, set), ...(reposDir ? { perRepository } : {}), summary, results };
  if (out) writeFileSync(out, JSON.stringify(record, null, 2));
  for (const x of results) console.log(`${String(x.answerRank || '-').padStart(2)} ${String(x.searchRank || '-').padStart(2)}  ${x.query}${x.missing.length ? `  (missing gold: ${x.missing.join(', ')})` : ''}`);
  console.log(
    `\n| ${reposDir ? 'repository' : 'set'} | questions | answer: first citation right | answer: right one among its 5 | search Acc@1 | search Acc@10 | search MRR@10 |\n|---|---|---|---|---|---|---|`,
  );
  for (const [name, s] of Object.entries(perRepository)) console.log(row(name, s));
  console.log(row(reposDir ? 'all' : path.basename(set), summary));
  if (summary.missingGolds.length) console.log(`\nGold definitions not in the index: ${summary.missingGolds.join(', ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
