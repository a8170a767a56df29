import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadTranslationTable, translationScorer } from '../../../bench/tmTrain';

// bench/tmTrain.ts: a word translation table P(sentence word | code word) by EM (IBM model 1), and its scorer.

const trainJs = path.join(__dirname, '..', '..', '..', 'bench', 'tmTrain.js');

/** Pairs where each verb is always said of one code word that shares no letters with it, among common filler words. */
function writePairs(dir: string): string {
  const verbs = [['remove', 'unlink'], ['create', 'mkdir'], ['fetch', 'curl'], ['print', 'echo']];
  const things = [['file', 'path'], ['folder', 'dir'], ['page', 'url']];
  const lines: string[] = [];
  for (let i = 0; i < 48; i++) {
    const [v, vc] = verbs[i % 4];
    const [t, tc] = things[Math.floor(i / 4) % 3];
    lines.push(JSON.stringify({ repo: `o/r${i % 2}`, path: `f${i}.sh`, q: `${v} the ${t}`, c: `${vc} ${tc} arg arg err ret ${i % 5 === 0 ? vc : 'ok'}` }));
  }
  const file = path.join(dir, 'pairs.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('tmTrain: learns which code word a sentence word comes from, and the scorer ranks by it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pinpoint-tm-'));
  const pairs = writePairs(dir);
  const out = path.join(dir, 'tm');
  execFileSync(process.execPath, [trainJs, '--pairs', pairs, '--out', out, '--iters', '8'], { stdio: 'pipe' });
  const t = loadTranslationTable(out);
  const p = (s: string, c: string) => {
    const { code, p: ps } = t.bySentence[t.sentence.get(s)!];
    const at = Array.from(code).indexOf(t.code.get(c)!);
    return at < 0 ? 0 : ps[at];
  };
  // Each verb is explained by its own code word far more than by a code word seen in every pair, or another verb's.
  for (const [s, c, other] of [['remove', 'unlink', 'mkdir'], ['create', 'mkdir', 'curl'], ['fetch', 'curl', 'echo'], ['print', 'echo', 'unlink']]) {
    assert.ok(p(s, c) > 0.2, `P(${s} | ${c}) = ${p(s, c)}`);
    assert.ok(p(s, c) > 5 * p(s, 'arg'), `${s}: ${c} over the filler word arg`);
    assert.ok(p(s, c) > 5 * p(s, other), `${s}: ${c} over ${other}`);
  }
  // A code word's probabilities over the sentence words sum to at most 1 (entries under 0.001 are dropped).
  for (const c of ['unlink', 'arg', '']) {
    const total = [...t.sentence.keys()].reduce((a, s) => a + p(s, c), 0);
    assert.ok(total <= 1 + 1e-6 && total > 0.9, `${c || 'the empty word'}: ${total}`);
  }
  const score = translationScorer(t, ['remove', 'the', 'folder']);
  const right = score(['unlink', 'dir', 'arg', 'err']);
  const wrongVerb = score(['mkdir', 'dir', 'arg', 'err']);
  const nothing = score(['arg', 'err', 'ret']);
  assert.ok(right > wrongVerb && wrongVerb > nothing, `${right} > ${wrongVerb} > ${nothing}`);
  assert.equal(translationScorer(t, ['unseen', 'words'])(['unlink']), 0, 'no known sentence word: 0');
  // Seeded and deterministic: the same pairs give the same files.
  execFileSync(process.execPath, [trainJs, '--pairs', pairs, '--out', `${out}2`, '--iters', '8'], { stdio: 'pipe' });
  assert.deepEqual(readFileSync(`${out}2.bin`), readFileSync(`${out}.bin`));
  assert.equal(readFileSync(`${out}2.json`, 'utf8'), readFileSync(`${out}.json`, 'utf8'));
});
