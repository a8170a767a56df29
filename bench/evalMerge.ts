/**
 * Merges `pinpoint eval --json` reports of one set run in parts (e.g. repositories split over processes)
 * and prints the Markdown tables: node out/bench/evalMerge.js a.json b.json
 * `--by-repo`: instead, one row per repository (function and file MRR / Acc@10 of each system).
 */
import { readFileSync } from 'node:fs';
import { restrictOutcome, percentile, summarize } from '../src/core/search/eval/metrics';
import { markdownReport } from '../src/core/search/eval/report';
import type { EvalReport, SystemResult } from '../src/core/search/eval/runner';

export function mergeReports(parts: EvalReport[]): EvalReport {
  const perQuery = parts.flatMap((p) => p.perQuery);
  // JSON turns Infinity (never found) into null.
  const fix = (xs: (number | null)[]) => ({ firstPos: xs.map((x) => (x === null ? Infinity : x)) });
  const systems: Record<string, SystemResult> = {};
  for (const sys of new Set(perQuery.flatMap((q) => Object.keys(q.file)))) {
    const file = perQuery.filter((q) => q.file[sys]).map((q) => fix(q.file[sys]));
    const func = perQuery.filter((q) => q.func[sys]).map((q) => fix(q.func[sys]));
    const funcEdited = perQuery.filter((q) => q.func[sys] && q.edited?.length).map((q) => restrictOutcome(fix(q.func[sys]), q.edited!));
    systems[sys] = { file: summarize(file), ...(func.length ? { func: summarize(func) } : {}), ...(funcEdited.length ? { funcEdited: summarize(funcEdited) } : {}) };
  }
  const ms = perQuery.map((q) => q.ms).filter((x) => x > 0);
  if (systems.rerank && ms.length) systems.rerank.latencyMs = { p50: percentile(ms, 50), p95: percentile(ms, 95), max: Math.max(...ms) };
  return { set: parts[0].set, n: perQuery.length, systems, perQuery, indexMs: parts.reduce((a, p) => a + p.indexMs, 0) };
}

/** One Markdown row per repository: function (and file) MRR / Acc@10 of each system. */
export function byRepository(report: EvalReport): string {
  const systems = Object.keys(report.systems);
  const cell = (r: SystemResult | undefined) =>
    r ? `${r.func ? `${r.func.mrr.toFixed(3)} / ${(100 * r.func.acc[10]).toFixed(1)}` : 'n/a'} (${r.file.mrr.toFixed(3)} / ${(100 * r.file.acc[10]).toFixed(1)})` : '';
  const rows = [...new Set(report.perQuery.map((q) => q.repo)), 'all'].map((repo) => {
    const sub = repo === 'all' ? report : mergeReports([{ ...report, perQuery: report.perQuery.filter((q) => q.repo === repo) }]);
    return `| ${repo} | ${sub.n} | ${systems.map((s) => cell(sub.systems[s])).join(' | ')} |`;
  });
  return [`| repository | n | ${systems.join(' | ')} |`, `|---|---|${systems.map(() => '---|').join('')}`, ...rows].join('\n');
}

if (require.main === module) {
  const parts = process.argv.slice(2).filter((a) => !a.startsWith('--')).map((f) => JSON.parse(readFileSync(f, 'utf8')) as EvalReport);
  const merged = mergeReports(parts);
  console.log(process.argv.includes('--by-repo') ? byRepository(merged) : markdownReport(merged));
}
