import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadLearnedModel } from '../../../src/core/embed/learned';

// bench/nbowTrain.ts --query-of: a sentence-side table trained against a fixed word table, sharing its words.

const trainJs = path.join(__dirname, '..', '..', '..', 'bench', 'nbowTrain.js');

/** A 4-dimensional table of these words in DIR/NAME.{json,bin}, rows from a fixed pattern. */
function writeTable(dir: string, name: string, vocab: string[]): void {
  const dim = 4;
  const bin = Buffer.alloc(vocab.length * 4 + vocab.length * dim);
  vocab.forEach((_, r) => {
    bin.writeFloatLE(0.01, r * 4);
    for (let d = 0; d < dim; d++) bin.writeInt8(((r * 7 + d * 13) % 41) - 20, vocab.length * 4 + r * dim + d);
  });
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ dim, vocab, idf: vocab.map((_, i) => 1 + i / 10) }));
  writeFileSync(path.join(dir, `${name}.bin`), bin);
}

test('nbowTrain --query-of: the code side and the words stay the base table\'s; only the sentence side learns', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pinpoint-nbow-'));
  const sentenceWords = ['open', 'close', 'read', 'write', 'file', 'socket'];
  const codeWords = ['fopen', 'fclose', 'fread', 'fwrite', 'fd', 'sock', 'buf', 'len'];
  const unused = 'zzz';
  writeTable(dir, 'base', [...sentenceWords, ...codeWords, unused]);
  // 32 pairs of one repository (a batch needs 16): "<verb> <object>" → the matching code words.
  const lines: string[] = [];
  for (let i = 0; i < 32; i++) {
    const v = i % 4;
    const o = (i >> 2) % 2;
    lines.push(JSON.stringify({ repo: 'o/r', path: `f${i % 3}.c`, q: `${sentenceWords[v]} ${sentenceWords[4 + o]}`, c: `${codeWords[v]} ${codeWords[4 + o]} buf len` }));
  }
  writeFileSync(path.join(dir, 'pairs.jsonl'), lines.join('\n') + '\n');
  const base = loadLearnedModel('base', dir);
  for (const mode of ['table', 'weight']) {
    execFileSync(process.execPath, [trainJs, '--pairs', path.join(dir, 'pairs.jsonl'), '--out', path.join(dir, `q-${mode}`), '--epochs', '3', '--lr', '0.05', '--query-of', path.join(dir, 'base'), '--query-mode', mode], { stdio: 'pipe' });
    const meta = JSON.parse(readFileSync(path.join(dir, `q-${mode}.json`), 'utf8')) as { vocab: string[]; idf: number[]; queryOf: string; queryMode: string };
    const baseMeta = JSON.parse(readFileSync(path.join(dir, 'base.json'), 'utf8')) as { vocab: string[]; idf: number[] };
    assert.deepEqual(meta.vocab, baseMeta.vocab, `${mode}: the same words in the same rows`);
    assert.deepEqual(meta.idf, baseMeta.idf, `${mode}: the same idf, as written`);
    assert.equal(meta.queryOf, 'base');
    assert.equal(meta.queryMode, mode);
    const q = loadLearnedModel(`q-${mode}`, dir);
    const row = (m: typeof q, w: string) => Array.from(m.rows.subarray(m.vocab.get(w)! * 4, m.vocab.get(w)! * 4 + 4));
    // Words no sentence has keep their rows (to int8 rounding).
    for (const w of [...codeWords, unused]) row(q, w).forEach((x, d) => assert.ok(Math.abs(x - row(base, w)[d]) < 2e-3, `${mode}: ${w} unchanged`));
    // Sentence words moved.
    const moved = sentenceWords.filter((w) => row(q, w).some((x, d) => Math.abs(x - row(base, w)[d]) > 2e-3));
    assert.ok(moved.length >= 4, `${mode}: sentence words trained (${moved.join(', ')})`);
    if (mode === 'weight') {
      // One scale per word: each row stays parallel to the base row.
      for (const w of sentenceWords) {
        const a = row(q, w);
        const b = row(base, w);
        const k = a.reduce((s, x, d) => s + x * b[d], 0) / b.reduce((s, x) => s + x * x, 0);
        a.forEach((x, d) => assert.ok(Math.abs(x - k * b[d]) < 3e-3, `${w} is a multiple of its base row`));
      }
    }
  }
});
