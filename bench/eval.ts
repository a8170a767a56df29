/**
 * Runs both dev sets with the ablation and the baselines, saves the reports as JSON and writes the
 * `## Retrieval` section of bench/RESULTS.md (other sections are left alone).
 *
 *   node out/bench/eval.js [--repos /work/repos] [--limit N] [--no-results-md]
 *
 * Extra text for the section (e.g. the cross-validated numbers of bench/fit.ts and the latency run) is read
 * from bench/results/retrieval-notes.md when present.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadEvalSet } from '../src/core/search/eval/sets';
import { runEval, type EvalReport } from '../src/core/search/eval/runner';
import { markdownReport } from '../src/core/search/eval/report';
import { arg, machine } from './common';

const top = path.join(__dirname, '..', '..');

export function replaceSection(doc: string, heading: string, body: string): string {
  const start = doc.indexOf(`\n${heading}\n`);
  const at = doc.startsWith(`${heading}\n`) ? 0 : start >= 0 ? start + 1 : -1;
  if (at < 0) return (doc.trimEnd() ? doc.trimEnd() + '\n\n' : '') + `${heading}\n\n${body.trim()}\n`;
  const next = doc.slice(at + heading.length + 1).search(/\n## /);
  const end = next < 0 ? doc.length : at + heading.length + 1 + next + 1;
  return doc.slice(0, at) + `${heading}\n\n${body.trim()}\n` + (next < 0 ? '' : '\n' + doc.slice(end));
}

async function main(): Promise<void> {
  const repos = arg('--repos', '/work/repos')!;
  const limit = arg('--limit') ? Number(arg('--limit')) : undefined;
  const sets = ['swebench_verified_dev.jsonl', 'docstring2func_dev.jsonl'].map((f) => path.join(top, '..', 'shared', 'eval', f));
  const reports: EvalReport[] = [];
  for (const file of sets) {
    const r = await runEval(loadEvalSet(file), { reposDir: repos, workDir: path.join(top, 'bench', '.work'), ablation: true, limit, log: (l) => process.stderr.write(l + '\n') });
    writeFileSync(path.join(top, 'bench', 'results', `retrieval-${r.set}.json`), JSON.stringify(r, null, 1));
    reports.push(r);
  }
  const notesFile = path.join(top, 'bench', 'results', 'retrieval-notes.md');
  const notes = existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : '';
  const body = [
    `Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}.`,
    `Command: \`npx tsc -p tsconfig.json && node out/bench/eval.js --repos ${repos}${limit ? ` --limit ${limit}` : ''}\` ` +
      '(each set is also `node out/src/cli/main.js eval <set.jsonl> --repos <dir> --ablation`).',
    '',
    ...reports.map(markdownReport).flatMap((m) => [m, '']),
    notes,
  ].join('\n');
  if (!process.argv.includes('--no-results-md')) {
    const file = path.join(top, 'bench', 'RESULTS.md');
    const doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Results\n';
    writeFileSync(file, replaceSection(doc, '## Retrieval', body));
  }
  console.log(body);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
