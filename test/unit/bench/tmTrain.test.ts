import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { codeWordIds, loadTranslationModel, translationScorer } from '../../../src/core/search/translation';

// bench/tmTrain.ts: a word translation table P(sentence word | code word) by EM (IBM model 1), read and scored by
// src/core/search/translation.ts.

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
  const t = loadTranslationModel('tm', dir);
  const p = (s: string, c: string) => {
    const si = t.sentence.get(s)!;
    const at = Array.from(t.codeOf.subarray(t.start[si], t.start[si + 1])).indexOf(t.code.get(c)!);
    return at < 0 ? 0 : t.p[t.start[si] + at];
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
  const score = (sentence: string[], code: string[]) => translationScorer(t, sentence)(codeWordIds(t, code));
  const right = score(['remove', 'the', 'folder'], ['unlink', 'dir', 'arg', 'err']);
  const wrongVerb = score(['remove', 'the', 'folder'], ['mkdir', 'dir', 'arg', 'err']);
  const nothing = score(['remove', 'the', 'folder'], ['arg', 'err', 'ret']);
  assert.ok(right > wrongVerb && wrongVerb > nothing, `${right} > ${wrongVerb} > ${nothing}`);
  assert.equal(score(['unseen', 'words'], ['unlink']), 0, 'no known sentence word: 0');
  // Seeded and deterministic: the same pairs give the same files.
  execFileSync(process.execPath, [trainJs, '--pairs', pairs, '--out', `${out}2`, '--iters', '8'], { stdio: 'pipe' });
  assert.deepEqual(readFileSync(`${out}2.bin`), readFileSync(`${out}.bin`));
  assert.equal(readFileSync(`${out}2.json`, 'utf8'), readFileSync(`${out}.json`, 'utf8'));
  // --max-code keeps the code words seen in most pairs: here the filler words, in every pair, and the empty word.
  execFileSync(process.execPath, [trainJs, '--pairs', pairs, '--out', `${out}3`, '--iters', '8', '--max-code', '4'], { stdio: 'pipe' });
  const small = loadTranslationModel('tm3', dir);
  assert.deepEqual([...small.code.keys()], ['', 'arg', 'err', 'ok', 'ret']);
  assert.ok(small.sentence.has('remove'), 'every sentence word is kept');
});
