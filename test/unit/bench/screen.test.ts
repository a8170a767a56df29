import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_BASE_FEATURES, CHUNK_FEATURES, DEFAULT_WEIGHTS, FILE_FEATURES, modelsFor } from '../../../src/core/search/model';
import { chunkOutcome, classOf, normalizeRow, scorer, type DumpRow } from '../../../bench/fitLib';
import { screenRows } from '../../../bench/screen';
import { column as leadSecond } from '../../../bench/screens/leadSecond';

// bench/screen.ts: the shipped ranking of a dump plus λ × a candidate column, as function MRR.

/** A dumped row of `n` candidates in one file with features from a fixed pattern; candidate `gold` is the answer. */
function row(n: number, gold: number, seed: number): DumpRow {
  const val = (i: number, d: number) => (((i + 1) * 7919 + d * 104729 + seed * 1299709) % 1000) / 1000;
  return normalizeRow({
    id: `q${seed}`, set: 'docstring', repo: 'o/r', query: 'Returns the size of the buffer.',
    goldFiles: ['a.py'], goldSpans: ['a.py#f'],
    files: [{ path: 'a.py', y: 1, x: FILE_FEATURES.map((_, d) => val(0, d)) }],
    chunks: Array.from({ length: n }, (_, i) => ({
      path: 'a.py', id: `c${i}`, name: i === gold ? 'Buffer.get_size' : `Buffer.m${i}`, spans: i === gold ? ['a.py#f'] : [],
      x: CHUNK_BASE_FEATURES.map((_, d) => val(i, d)),
    })),
    chunkNames: [...CHUNK_BASE_FEATURES],
    fileNames: [...FILE_FEATURES],
  });
}

test('at λ = 0 the screen ranks a dump as the fit does with the shipped weights; a column that singles out the gold lifts it', () => {
  const rows = [row(12, 3, 1), row(12, 8, 2), row(20, 0, 3)];
  const expected = rows.map((r) => {
    const m = modelsFor(DEFAULT_WEIGHTS, classOf(r));
    const s = (mm: typeof m.file, names: readonly string[]) => scorer(names.map((n) => mm.weights[n] ?? 0), mm.trees, names);
    return 1 / chunkOutcome(r, s(m.file, FILE_FEATURES), s(m.chunk, CHUNK_FEATURES)).firstPos[0];
  });
  const oracle = (_q: string, name: string) => (name === 'Buffer.get_size' ? 1 : 0);
  const [atZero, atLarge] = screenRows(rows, oracle, [0, 1000]);
  assert.ok(Math.abs(atZero - expected.reduce((a, b) => a + b, 0) / rows.length) < 1e-12);
  assert.ok(atZero < 1, 'the pattern does not already put every gold first');
  assert.equal(atLarge, 1);
});

test('the screened leadSecond column: the query\'s first word as the name\'s second part, not its first', () => {
  assert.equal(leadSecond('Get the current line number.', 'yyget_lineno'), 0);
  assert.equal(leadSecond('Set the current column.', 'Scanner.yy_set_column'), 1);
  assert.equal(leadSecond('Sets the column.', 'set_column'), 0);
  assert.equal(leadSecond('where is the column set?', 'yy_set_column'), 0);
});
