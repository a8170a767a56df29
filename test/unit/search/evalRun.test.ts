import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { runEval } from '../../../src/core/search/eval/runner';
import { DEFAULT_WEIGHTS, weightsFingerprint } from '../../../src/core/search/model';
import { markdownReport } from '../../../src/core/search/eval/report';
import { parseEvalSet } from '../../../src/core/search/eval/sets';
import { mergeReports } from '../../../bench/evalMerge';
import { makeWorkspace, tempDir } from '../../helpers/workspace';

const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();

const BILLING = `import decimal
import math


def round_invoice_total(amounts, places):
    """Sum the amounts and round the invoice total."""
    total = sum(decimal.Decimal(a) for a in amounts)
    return round(total, places)


class Ledger:
    currency = "EUR"

    def post_entry(self, account, amount):
        self.entries.append((account, amount))
        return len(self.entries)
`;

test('pinpoint eval on a real repository: every gold span at function grain, and the edited functions that exist before the fix', async () => {
  // A repository fetched as the eval expects it (<repos>/<owner>__<name>), one commit.
  const reposDir = tempDir('eval-repos');
  const repo = makeWorkspace({ 'billing/invoice.py': BILLING, 'billing/report.py': 'def render_report(rows):\n    return "\\n".join(rows)\n' }, path.join(reposDir, 'acme__billing'));
  git(repo, 'init', '-q');
  git(repo, 'add', '.');
  git(repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'base');
  const base = git(repo, 'rev-parse', 'HEAD');
  // The fix changed the imports, an existing function, a method, the class body, and added a function.
  const items = parseEvalSet(
    JSON.stringify({
      instance_id: 'acme__billing-1', repo: 'acme/billing', base_commit: base,
      problem_statement: 'round_invoice_total rounds the invoice total half-even instead of half-up; Ledger.post_entry keeps the wrong amount',
      gold_files: ['billing/invoice.py'],
      gold_spans: { 'billing/invoice.py': ['imports', 'round_invoice_total', 'Ledger.post_entry', 'Ledger', 'rounding_mode'] },
    }),
  );
  const dumpFile = path.join(tempDir('eval-dump'), 'dump.jsonl');
  const report = await runEval(items, { reposDir, workDir: tempDir('eval-work'), workers: 0, dumpFile });

  assert.equal(report.n, 1);
  assert.deepEqual(report.perQuery[0].edited, [1, 2], 'only the function and the method that exist at the base commit');
  const func = report.perQuery[0].func.rerank;
  assert.equal(func.length, 5);
  assert.ok(func[1] <= 3 && func[2] <= 3, `both named functions are found near the top: ${func}`);
  assert.equal(func[0], Infinity, 'no chunk is named "imports"');
  assert.equal(func[4], Infinity, 'a function the fix added does not exist before it');
  const rerank = report.systems.rerank;
  assert.equal(rerank.func!.acc[10], 0, 'every gold span: never complete');
  assert.equal(rerank.funcEdited!.n, 1);
  assert.equal(rerank.funcEdited!.acc[10], 1, 'the edited functions that exist: both in the top 10');
  assert.equal(report.systems['bm25-windows'].funcEdited!.n, 1, 'the baselines are counted the same way');

  // The merged report of parts (JSON, Infinity as null) counts the same, and the table names the definition.
  const merged = mergeReports([JSON.parse(JSON.stringify(report))]);
  assert.deepEqual(merged.systems.rerank.funcEdited, rerank.funcEdited);
  assert.match(markdownReport(merged), /as CoRNStack counts it[^\n]*1 of 1 issues/);

  // The dump (bench/fit.ts's training data) names the weights that chose its candidates: another weights file
  // would have ranked other files first, and their chunks would be the candidates.
  const dumped = readFileSync(dumpFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { weights: string; chunks: { name: string; spans: string[] }[] });
  assert.equal(dumped.length, 1);
  assert.equal(dumped[0].weights, weightsFingerprint(DEFAULT_WEIGHTS));
  assert.notEqual(weightsFingerprint({ ...DEFAULT_WEIGHTS, file: { ...DEFAULT_WEIGHTS.file, bias: 1 } }), dumped[0].weights);
  assert.ok(dumped[0].chunks.some((c) => c.name === 'round_invoice_total' && c.spans.length), 'the gold function is a labelled candidate');
});
