/**
 * Two builds of Pinpoint ranking the same queries in one process, query by query, so that the host's speed, which
 * drifts by a third from one evalLatency run to the next on a shared machine (bench/RESULTS.md, sessions 43–47),
 * slows both alike: a paired comparison of the retrieve stages, for a change that saves a millisecond.
 *
 *   node --expose-gc out/bench/pairLatency.js --a DIR --b DIR [--passes 3] [--queries 256]
 *
 * DIR is a built checkout (its `out/` compiled by `npx tsc -p tsconfig.json`; e.g. `git worktree add` of the commit
 * to compare, then a build). Each build opens its own copy of evalLatency's index (bench/.work/index/latency, built
 * by a run of evalLatency.js first; B's copy is made beside it on the first run), runs the product's warm-up, then
 * ranks each query with A and B in turn, the order swapped from query to query; the first pass only warms. No rg
 * between queries: this measures the code, not the cold caches evalLatency's protocol adds. Prints, per build, the
 * mean and p95 of `rank` and `total` (ms), and the paired mean difference B − A of each with its 95% interval.
 */
import { cpSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Retriever } from '../src/core/search/retriever';
import { loadEvalSet } from '../src/core/search/eval/sets';
import { arg, machine, percentile } from './common';

interface Build {
  openWorkspaceIndex: typeof import('../src/core/index/workspaceIndex').openWorkspaceIndex;
  createRetriever: typeof import('../src/core/search/retriever').createRetriever;
  warmUpRetriever: typeof import('../src/core/search/warmUp').warmUpRetriever;
}

const work = path.join(__dirname, '..', '..', 'bench', '.work');

async function open(dir: string, indexName: string): Promise<{ r: Retriever; close: () => Promise<void> }> {
  const load = (m: string) => createRequire(__filename)(path.join(path.resolve(dir), 'out', 'src', 'core', m)) as Record<string, unknown>;
  const b = { ...load('index/workspaceIndex'), ...load('search/retriever'), ...load('search/warmUp') } as unknown as Build;
  const idx = await b.openWorkspaceIndex({ root: path.join(work, 'latency'), indexDir: path.join(work, 'index', indexName), owner: `pairLatency ${dir}` });
  await idx.indexer.indexAll();
  const r = b.createRetriever(idx);
  await r.search('warm up', 1);
  await b.warmUpRetriever(r, idx.indexer.store, { queries: 20 });
  return { r, close: () => idx.close() };
}

async function main(): Promise<void> {
  const a = arg('--a');
  const b = arg('--b');
  if (!a || !b) throw new Error('usage: pairLatency.js --a DIR --b DIR [--passes 3] [--queries 256]');
  const passes = Number(arg('--passes') ?? 3);
  const max = Number(arg('--queries') ?? 256);
  const index = path.join(work, 'index', 'latency');
  if (!existsSync(index)) throw new Error(`no latency index at ${index}: run out/bench/evalLatency.js once first`);
  if (!existsSync(`${index}-pair-b`)) cpSync(index, `${index}-pair-b`, { recursive: true });
  const shared = path.join(__dirname, '..', '..', '..', 'shared', 'eval');
  const queries = [
    ...loadEvalSet(path.join(shared, 'swebench_verified_dev.jsonl')).map((i) => i.query),
    ...loadEvalSet(path.join(shared, 'docstring2func_dev.jsonl')).map((i) => i.query),
  ].slice(0, max);
  const builds = [await open(a, 'latency'), await open(b, 'latency-pair-b')];
  const t = { rank: [[], []] as number[][], total: [[], []] as number[][] };
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < queries.length; i++) {
      for (const k of (i + p) % 2 ? [0, 1] : [1, 0]) {
        const res = await builds[k].r.retrieve(queries[i], { k: 10 });
        if (p === 0) continue;
        t.rank[k].push(res.timings.rank);
        t.total[k].push(res.timings.total);
      }
    }
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const r2 = (x: number) => Number(x.toFixed(2));
  const side = (k: number) => Object.fromEntries(Object.entries(t).map(([s, xs]) => [s, { mean: r2(mean(xs[k])), p95: r2(percentile(xs[k], 95)) }]));
  const diff = (xs: number[][]) => {
    const d = xs[1].map((x, i) => x - xs[0][i]);
    const m = mean(d);
    return { mean: r2(m), ci95: r2((1.96 * Math.sqrt(mean(d.map((x) => (x - m) ** 2)))) / Math.sqrt(d.length)) };
  };
  console.log(JSON.stringify({
    machine: machine(), date: new Date().toISOString(), a, b, queries: queries.length, measuredPasses: passes - 1,
    A: side(0), B: side(1), bMinusA: { rank: diff(t.rank), total: diff(t.total) },
  }));
  for (const x of builds) await x.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
