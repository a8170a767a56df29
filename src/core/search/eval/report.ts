/** Formats eval reports as Markdown tables (used by `pinpoint eval` and bench/eval.ts). */
import type { EvalReport, SystemResult } from './runner';
import type { Summary } from './metrics';

const pct = (x: number) => (100 * x).toFixed(1);

const ORDER = ['bm25-files', 'bm25-windows', 'lexical', 'hybrid', 'fusion', 'rerank'];
const NAMES: Record<string, string> = {
  'bm25-files': 'BM25 whole files (baseline, tests excluded)',
  'bm25-windows': 'BM25 800-token windows (baseline)',
  lexical: 'lexical only (chunk BM25)',
  hybrid: '+ vector (RRF)',
  fusion: '+ symbols/paths/file-BM25/graph (RRF)',
  rerank: '+ rerank (feature model, weights.json) — default',
};

function row(name: string, s: Summary | undefined): string {
  if (!s) return `| ${name} | n/a | | | | | | | | |`;
  return `| ${name} | ${pct(s.acc[1])} | ${pct(s.acc[3])} | ${pct(s.acc[5])} | ${pct(s.acc[10])} | ${pct(s.hit[5])} | ${pct(s.recall[5])} | ${pct(s.recall[10])} | ${s.mrr.toFixed(3)} | ${s.ndcg10.toFixed(3)} |`;
}

const HEAD = '| system | Acc@1 | Acc@3 | Acc@5 | Acc@10 | Hit@5 | R@5 | R@10 | MRR | nDCG@10 |\n|---|---|---|---|---|---|---|---|---|---|';

export function markdownReport(r: EvalReport): string {
  const systems = ORDER.filter((s) => r.systems[s]).map((s) => [s, r.systems[s]] as [string, SystemResult]);
  const out: string[] = [];
  out.push(`**${r.set}** — ${r.n} queries. File grain:`, '', HEAD);
  for (const [s, res] of systems) out.push(row(NAMES[s] ?? s, res.file));
  out.push('', 'Function grain:', '', HEAD);
  for (const [s, res] of systems) out.push(row(NAMES[s] ?? s, res.func));
  const edited = systems.find(([, res]) => res.funcEdited)?.[1].funcEdited;
  if (edited) {
    out.push('', `Function grain as CoRNStack counts it (the published CodeRankEmbed numbers): gold = the functions and methods the fix changed that exist before it; ${edited.n} of ${r.n} issues have one:`, '', HEAD);
    for (const [s, res] of systems) out.push(row(NAMES[s] ?? s, res.funcEdited));
  }
  const lat = r.systems.rerank?.latencyMs;
  if (lat) out.push('', `Query + rerank latency (excluding index catch-up): p50 ${lat.p50.toFixed(1)} ms, p95 ${lat.p95.toFixed(1)} ms, max ${lat.max.toFixed(1)} ms.`);
  return out.join('\n');
}
