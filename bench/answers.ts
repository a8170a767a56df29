/**
 * bench/answers: the assistant's answers on the development questions, in `pinpoint eval`'s family.
 *   node out/bench/answers.js [--repos /work/repos] [--limit N] [--set F.jsonl] [--out F.json]
 * Questions: the docstring→function set (../shared/eval/docstring2func_dev.jsonl) unless `--set` names another
 * set of {repo, commit, query} rows (bench/questions/dev.jsonl: where/how questions), asked of each repository at
 * its pinned commit. With PINPOINT_BENCH_BASE_URL and PINPOINT_BENCH_MODEL (and PINPOINT_API_KEY) set, every
 * question runs through the tool-calling loop against that OpenAI-compatible model; without them, the offline
 * extractive answer is measured (its citation validity must be 100%).
 * Records citation validity, groundedness, tool-call success rate, rounds and latency p50/p95 to
 * bench/results/answers.json and prints Markdown for bench/RESULTS.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { answerOffline, runTurn, workspaceFromIndex, type TurnResult } from '../src/core/assistant';
import { openWorkspaceIndex } from '../src/core/index/workspaceIndex';
import { arg, machine, percentile } from './common';

interface Row {
  repo: string;
  commit: string;
  query: string;
}

async function main() {
  const reposRoot = arg('--repos', '/work/repos')!;
  const limit = Number(arg('--limit', '0'));
  const setFile = path.resolve(arg('--set', path.join(__dirname, '..', '..', '..', 'shared', 'eval', 'docstring2func_dev.jsonl'))!);
  let rows = readFileSync(setFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
  if (limit) rows = rows.slice(0, limit);
  const baseURL = process.env.PINPOINT_BENCH_BASE_URL;
  const model = process.env.PINPOINT_BENCH_MODEL;
  const online = !!(baseURL && model);
  const work = path.join(__dirname, '..', '..', 'bench', '.work');
  const results: (TurnResult & { repo: string; query: string })[] = [];
  for (const repo of [...new Set(rows.map((r) => r.repo))]) {
    const dir = path.join(reposRoot, repo.replace('/', '__'));
    const commit = rows.find((r) => r.repo === repo)!.commit;
    execFileSync('git', ['-C', dir, 'checkout', '-q', '--force', commit], { stdio: 'pipe' });
    const idx = await openWorkspaceIndex({ root: dir, indexDir: path.join(work, `answers-${repo.replace('/', '__')}`), owner: 'bench/answers' });
    await idx.indexer.indexAll();
    const workspace = workspaceFromIndex(idx);
    for (const r of rows.filter((x) => x.repo === repo)) {
      const res = online
        ? await runTurn({ question: r.query, workspace, model: { baseURL: baseURL!, model: model!, apiKey: process.env.PINPOINT_API_KEY } })
        : await answerOffline({ question: r.query, workspace });
      results.push({ ...res, repo, query: r.query });
    }
    await idx.close();
    process.stderr.write(`${repo}: ${results.filter((x) => x.repo === repo).length} questions\n`);
  }
  const cites = results.flatMap((r) => r.citations);
  const verified = cites.filter((c) => c.status === 'verified').length;
  const byStatus = Object.fromEntries(['verified', 'out-of-range', 'not-seen', 'missing-file'].map((s) => [s, cites.filter((c) => c.status === s).length]));
  const calls = results.flatMap((r) => r.toolCalls);
  const lat = results.map((r) => r.ms);
  const summary = {
    mode: online ? `model ${model} at ${baseURL}` : 'offline (no model configured)',
    questions: results.length,
    answeredWithCitations: results.filter((r) => r.citations.length > 0).length,
    citations: cites.length,
    citationValidity: cites.length ? verified / cites.length : NaN,
    byStatus,
    groundednessMean: results.reduce((a, r) => a + r.groundedness, 0) / (results.length || 1),
    toolCalls: calls.length,
    toolCallSuccess: calls.length ? calls.filter((c) => c.ok).length / calls.length : NaN,
    roundsMean: results.reduce((a, r) => a + r.rounds, 0) / (results.length || 1),
    latencyP50: percentile(lat, 50),
    latencyP95: percentile(lat, 95),
  };
  const out = path.resolve(arg('--out', path.join(__dirname, '..', '..', 'bench', 'results', 'answers.json'))!);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ machine: machine(), date: new Date().toISOString(), set: path.basename(setFile), summary }, null, 2));
  const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '—');
  console.log(
    [
      `Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}. Mode: ${summary.mode}.`,
      '',
      '| questions | with citations | citations | citation validity | verified / out-of-range / not-seen / missing | groundedness (mean) | tool calls (success) | rounds (mean) | latency p50 / p95 |',
      '|---|---|---|---|---|---|---|---|---|',
      `| ${summary.questions} | ${summary.answeredWithCitations} | ${summary.citations} | ${pct(summary.citationValidity)} | ${byStatus.verified} / ${byStatus['out-of-range']} / ${byStatus['not-seen']} / ${byStatus['missing-file']} | ${summary.groundednessMean.toFixed(3)} | ${summary.toolCalls} (${pct(summary.toolCallSuccess)}) | ${summary.roundsMean.toFixed(2)} | ${summary.latencyP50.toFixed(0)} / ${summary.latencyP95.toFixed(0)} ms |`,
    ].join('\n'),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
