import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pairedDiff, parseArms, scoreRows } from '../../../bench/scoreDumps';
import type { DumpRow } from '../../../bench/fitLib';
import type { RankWeights } from '../../../src/core/search/model';

// bench/scoreDumps.ts: dumps ranked offline under a weights file, and two arms compared query by query.

const scriptJs = path.join(__dirname, '..', '..', '..', 'bench', 'scoreDumps.js');

/** One query, three chunks in one file; the gold is `b`. Columns named, so only lexS and vecCos carry values. */
function row(id: string, lex: [number, number, number], vec: [number, number, number]): DumpRow {
  const names = ['lexS', 'vecCos'];
  return {
    id,
    set: 'docstring',
    repo: 'o/r',
    query: 'Returns the sum of two numbers.',
    goldFiles: ['m.py'],
    goldSpans: ['m.py#b'],
    files: [{ path: 'm.py', y: 1, x: [] }],
    fileNames: [],
    chunkNames: names,
    chunks: ['a', 'b', 'c'].map((n, i) => ({ path: 'm.py', id: `id-${n}`, name: n, spans: n === 'b' ? ['m.py#b'] : [], x: [lex[i], vec[i]] })),
  };
}

const by = (feature: string): RankWeights => ({ version: 1, file: { weights: {} }, chunk: { weights: { [feature]: 1 } } });

test('scoreDumps: ranks each row under the given weights, as the product would', () => {
  const rows = [row('q1', [0.9, 0.5, 0.1], [0.1, 0.9, 0.2]), row('q2', [0.2, 0.8, 0.9], [0.3, 0.7, 0.1])];
  const lexical = scoreRows(by('lexS'), rows);
  assert.deepEqual(lexical.rr, [1 / 2, 1 / 2], 'by lexS the gold is second in both');
  assert.equal(lexical.func.acc[1], 0);
  const vector = scoreRows(by('vecCos'), rows);
  assert.deepEqual(vector.rr, [1, 1], 'by vecCos the gold is first in both');
  assert.equal(vector.func.mrr, 1);
});

test('scoreDumps: the paired difference counts the queries moved and brackets the mean', () => {
  const a = [1, 0.5, 0.5, 1, 0.25, 1];
  const b = [1, 1, 0.5, 0.5, 1, 1];
  const d = pairedDiff(a, b);
  assert.equal(d.n, 6);
  assert.equal(d.up, 2);
  assert.equal(d.down, 1);
  assert.ok(Math.abs(d.mean - (0.5 - 0.5 + 0.75) / 6) < 1e-12);
  assert.ok(d.ci95[0] <= d.mean && d.mean <= d.ci95[1], `${d.ci95} brackets ${d.mean}`);
  assert.deepEqual(pairedDiff(a, b), d, 'seeded: the same interval every time');
  assert.throws(() => pairedDiff(a, b.slice(1)), /6 and 5 rows; --vs needs the same queries/);
});

test('scoreDumps: arguments name the arms; mismatched arms are refused', () => {
  assert.deepEqual(parseArms(['--weights', 'w.json', 'd1', 'd2', '--vs', 'v.json', 'e1', 'e2']), [
    { weights: 'w.json', dumps: ['d1', 'd2'] },
    { weights: 'v.json', dumps: ['e1', 'e2'] },
  ]);
  assert.throws(() => parseArms(['d1']), /"d1" before --weights/);
  assert.throws(() => parseArms(['--vs', 'v.json', 'e1']), /--weights comes first/);
  assert.throws(() => parseArms(['--weights', 'w.json', 'd1', '--weights', 'v.json', 'e1']), /--weights comes first, once/);
  assert.throws(() => parseArms(['--weights', 'w.json']), /usage/);
  assert.throws(() => parseArms(['--weights', 'w.json', 'd1', '--vs', 'v.json', 'e1', 'e2']), /as many dumps as the first/);
});

test('scoreDumps: the command reports both arms and their paired difference', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pinpoint-score-'));
  const dump = path.join(dir, 'd.jsonl');
  writeFileSync(dump, [row('q1', [0.9, 0.5, 0.1], [0.1, 0.9, 0.2]), row('q2', [0.2, 0.8, 0.9], [0.3, 0.7, 0.1])].map((r) => JSON.stringify(r)).join('\n') + '\n');
  const wl = path.join(dir, 'lex.json');
  const wv = path.join(dir, 'vec.json');
  writeFileSync(wl, JSON.stringify(by('lexS')));
  writeFileSync(wv, JSON.stringify(by('vecCos')));
  const out = JSON.parse(execFileSync(process.execPath, [scriptJs, '--weights', wl, dump, '--vs', wv, dump, '--json'], { encoding: 'utf8' })) as {
    arms: { scores: { func: { mrr: number } }[] }[];
    diffs: { mean: number; up: number; down: number }[];
  };
  assert.deepEqual(out.arms.map((a) => a.scores[0].func.mrr), [0.5, 1]);
  assert.deepEqual([out.diffs[0].mean, out.diffs[0].up, out.diffs[0].down], [0.5, 2, 0]);
  let err = '';
  try {
    execFileSync(process.execPath, [scriptJs, '--weights', path.join(dir, 'd.jsonl'), dump], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    err = String((e as { stderr: string }).stderr);
  }
  assert.match(err, /is not a weights file/);
});
