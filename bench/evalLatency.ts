/**
 * Query + rerank latency on a large index, against ripgrep over the same tree for the same query words.
 *
 *   node [--expose-gc] out/bench/evalLatency.js [--repos django,sympy,scikit-learn] [--queries 200] [--questions] [--warm-up 20]
 *
 * The tree is a `git archive` export of the named repositories (bench/repos.json commits) under
 * bench/.work/latency/; the index lives in bench/.work/index/latency (incremental across runs). Queries are the
 * dev sets' texts (SWE-bench issues and docstring sentences; `--questions` adds the 200 where/how questions of
 * bench/questions/dev*.jsonl after them). rg gets the query's content words (identifiers
 * and words of ≥ 3 letters, at most 24) as fixed-string alternatives, case-insensitive, printing matching file
 * names (`rg -i -l -F -e w1 -e w2 …`): the cheapest useful grep for those words. rg runs right after each query.
 *
 * rg is started by a helper process (rgHelper.js), so the measured process never forks, as the product's does not
 * on the query path. `--rg-in-process` spawns it from the measured process instead: each fork then costs the next
 * query its copy-on-write page faults (reported as `faults`), which is what a process that spawns children pays.
 *
 * Before it measures, it runs the product's warm-up (src/core/search/warmUp.ts, as the extension does once an index
 * is ready): `--warm-up N` queries made from the index's own chunks, none of them a measured query. `--warm-up 0`
 * measures a cold process, as every run before session 32 did: no warm-up at all, so the queries also work out the
 * declaration-line parts of the chunks they meet (until session 38 the warm-up's priming of them still ran). Its first
 * ten queries are then the slowest (`firstTen` reports them either way). `heapMB` is the JS heap in use before and after
 * the warm-up (what its priming keeps), after a full collection when node runs with `--expose-gc`, with the process's
 * resident size and how long a full collection of that heap takes (`fullGcMs`, since session 46).
 */
import { execFileSync, fork, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { openWorkspaceIndex } from '../src/core/index/workspaceIndex';
import { createRetriever } from '../src/core/search/retriever';
import { warmUpRetriever } from '../src/core/search/warmUp';
import { loadEvalSet } from '../src/core/search/eval/sets';
import { parseQuery } from '../src/core/search/query';
import { arg, fullCollectionMs, loadRepos, machine, percentile } from './common';

async function main(): Promise<void> {
  const names = (arg('--repos') ?? 'django,sympy,scikit-learn').split(',');
  const maxQueries = Number(arg('--queries') ?? 200);
  const work = path.join(__dirname, '..', '..', 'bench', '.work');
  const root = path.join(work, 'latency');
  for (const r of loadRepos(undefined, names)) {
    const dest = path.join(root, r.name);
    if (existsSync(dest)) continue;
    mkdirSync(dest, { recursive: true });
    execFileSync('sh', ['-c', `git -C '${r.abs}' archive ${r.commit} | tar -x -C '${dest}'`], { stdio: 'pipe' });
  }
  const idx = await openWorkspaceIndex({ root, indexDir: path.join(work, 'index', 'latency'), owner: 'bench latency' });
  const t0 = performance.now();
  const rep = await idx.indexer.indexAll();
  const stats = idx.indexer.store.stats();
  process.stderr.write(`index: ${stats.files} files, ${stats.chunks} chunks (+${rep.added} ~${rep.updated}, ${Math.round(performance.now() - t0)} ms)\n`);
  const shared = path.join(__dirname, '..', '..', '..', 'shared', 'eval');
  const queries = [
    ...loadEvalSet(path.join(shared, 'swebench_verified_dev.jsonl')).map((i) => i.query),
    ...loadEvalSet(path.join(shared, 'docstring2func_dev.jsonl')).map((i) => i.query),
  ].slice(0, maxQueries);
  // `--questions`: the where/how development questions too (their own ranking model; about other repositories, so
  // only their latency means anything here).
  if (process.argv.includes('--questions'))
    for (const f of ['dev.jsonl', 'dev-natural.jsonl']) queries.push(...loadEvalSet(path.join(__dirname, '..', '..', 'bench', 'questions', f)).map((i) => i.query));
  const inProcess = process.argv.includes('--rg-in-process');
  const helper = inProcess ? undefined : fork(path.join(__dirname, 'rgHelper.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const runRg = (args: string[]): Promise<{ ms: number; status: number | null; error?: string }> => {
    if (!helper) {
      const t1 = performance.now();
      const run = spawnSync('rg', args, { cwd: root, stdio: 'ignore' });
      return Promise.resolve({ ms: performance.now() - t1, status: run.status, error: run.error?.message });
    }
    return new Promise((resolve) => {
      helper.once('message', resolve as (m: unknown) => void);
      helper.send({ args, cwd: root });
    });
  };
  const r = createRetriever(idx);
  const tSync = performance.now();
  await r.search('warm up', 1); // builds the symbol table and file index once
  const syncMs = performance.now() - tSync;
  // `--warm-up 0`: no warm-up at all, not even its first step (every chunk's declaration-line parts worked out ahead).
  const warmUps = Number(arg('--warm-up') ?? 20);
  const heapBefore = heapMB();
  const warm = warmUps > 0 ? await warmUpRetriever(r, idx.indexer.store, { queries: warmUps }) : { queries: 0, ms: 0 };
  const heap = { beforeWarmUp: heapBefore, afterWarmUp: heapMB() };
  const ours: number[] = [];
  const ourLong: number[] = [];
  const rg: number[] = [];
  const stages: Record<string, number[]> = {};
  const faults: number[] = [];
  const byModel: Record<string, number[]> = {};
  for (const q of queries) {
    const f0 = process.resourceUsage().minorPageFault;
    const t = performance.now();
    const res = await r.retrieve(q, { k: 10 });
    const ms = performance.now() - t;
    faults.push(process.resourceUsage().minorPageFault - f0);
    for (const [stage, v] of Object.entries(res.timings)) (stages[stage] ??= []).push(v);
    ours.push(ms);
    if (q.length > 300) ourLong.push(ms);
    (byModel[res.model ?? 'none'] ??= []).push(ms);
    const p = parseQuery(q);
    const words = [...new Set([...p.identifiers.map((i) => i.name), ...p.words])].filter((w) => w.length >= 3).slice(0, 24);
    const args = ['-i', '-l', '-F', ...words.flatMap((w) => ['-e', w]), '.'];
    const run = await runRg(args);
    rg.push(run.ms);
    // A missing rg "runs" in a few ms: never record that as rg's time. (Status 1 is "no match".)
    if (run.error || (run.status ?? 2) > 1) throw new Error(`rg did not run (${run.error ?? `exit ${run.status}`}): install ripgrep (apt-get install ripgrep)`);
  }
  helper?.disconnect();
  const fmt = (xs: number[]) => ({ p50: Number(percentile(xs, 50).toFixed(1)), p95: Number(percentile(xs, 95).toFixed(1)), max: Number(Math.max(...xs).toFixed(1)) });
  const out = {
    machine: machine(), date: new Date().toISOString(), repos: names, files: stats.files, chunks: stats.chunks, queries: queries.length,
    rgFrom: inProcess ? 'the measured process' : 'a helper process', firstQuerySetupMs: Math.round(syncMs), warmUp: warm, heapMB: heap, pinpoint: fmt(ours), firstTen: fmt(ours.slice(0, 10)), pinpointIssueLength: fmt(ourLong), rg: fmt(rg),
    // Per stage of retrieve() (`files` is part of `rank`).
    stages: Object.fromEntries(Object.entries(stages).map(([k, xs]) => [k, fmt(xs)])),
    faults: fmt(faults), // minor page faults of the measured process per query
    // By the ranking model that served the query (long / short / question), with the number of queries.
    byModel: Object.fromEntries(Object.entries(byModel).map(([k, xs]) => [k, { n: xs.length, ...fmt(xs) }])),
  };
  await idx.close();
  console.log(JSON.stringify(out));
}

/**
 * The JS heap in use, in MB, after a full collection when node runs with --expose-gc (else as it is: `gc: false`),
 * and then how long three more full collections took (the median, ms): what the collector's marking costs for
 * this heap, which a query pays in slices when a major collection falls in it.
 */
function heapMB(): { used: number; gc: boolean; rss: number; fullGcMs?: number } {
  const fullGcMs = fullCollectionMs(3);
  const mb = (n: number) => Math.round(n / 2 ** 20);
  const m = process.memoryUsage();
  return { used: mb(m.heapUsed), gc: fullGcMs !== undefined, rss: mb(m.rss), ...(fullGcMs !== undefined ? { fullGcMs } : {}) };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
