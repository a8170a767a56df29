import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { canonicalWord } from '../../../src/core/embed/builtin';
import { chunkEmbeddingText } from '../../../src/core/embed/embedder';
import { learnedWords, modelsDir } from '../../../src/core/embed/learned';
import type { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { CHUNK_FEATURES, recordOf } from '../../../src/core/search/model';
import { createRetriever } from '../../../src/core/search/retriever';
import {
  chunkCodeWords, codeWordIds, codeWordsWorkedOut, loadTranslationModel, primeTranslation, translationScorer, TRANSLATION_MODEL,
} from '../../../src/core/search/translation';
import { indexedWorkspace, makeWorkspace } from '../../helpers/workspace';

// The translation feature (src/core/search/translation.ts) with the shipped table, models/tm-v1.

const words = (text: string) => learnedWords(text, canonicalWord);

/** The shipped table's files as they are (entries by code word). */
const file = path.join(modelsDir(), TRANSLATION_MODEL);
const meta = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { sentence: string[]; background: number[]; code: string[]; rows: number[] };
const bin = readFileSync(`${file}.bin`);
const codeId = new Map(meta.code.map((w, i) => [w, i]));
const rowStart = [0];
for (const r of meta.rows) rowStart.push(rowStart[rowStart.length - 1] + r);

/** The score as bench/tmTrain.ts defines it, straight from the table's file (by code word), repeats kept. */
function reference(sentence: string, code: string): number {
  const n = bin.length / 8;
  const t = (s: number, c: number) => {
    for (let e = rowStart[c]; e < rowStart[c + 1]; e++) if (bin.readUInt32LE(4 * e) === s) return bin.readFloatLE(4 * n + 4 * e);
    return 0;
  };
  const text = words(code).filter((w) => codeId.has(w)).map((w) => codeId.get(w)!);
  const known = [...new Set(words(sentence).map((w) => meta.sentence.indexOf(w)).filter((i) => i >= 0))];
  if (!known.length) return 0;
  let score = 0;
  for (const s of known) {
    const pText = [0, ...text].reduce((a, c) => a + t(s, c), 0) / (text.length + 1);
    const bg = meta.background[s];
    score += Math.log(0.5 * pText + 0.5 * bg) - Math.log(bg);
  }
  return score / known.length;
}

const SIZE = 'def n(self):\n    return len(self._items)\n';
const RM = 'def drop(p):\n    os.unlink(p)\n    os.unlink(p + ".bak")\n';
const MK = 'def make(p):\n    os.makedirs(p, exist_ok=True)\n';

test('the score: what the table says of each query word, as the trainer defines it, and it tells meanings apart', () => {
  const m = loadTranslationModel();
  for (const q of ['Returns the number of elements.', 'Deletes the file at the given path.', 'Creates the directory if missing.']) {
    const score = translationScorer(m, words(q));
    for (const code of [SIZE, RM, MK, 'x = 1']) {
      const got = score(codeWordIds(m, words(code)));
      assert.ok(Math.abs(got - reference(q, code)) < 1e-5, `${q} / ${code}: ${got} vs ${reference(q, code)}`);
    }
  }
  // No word is shared between these sentences and the code it ranks first: only the table relates them.
  const best = (q: string) => Object.entries({ SIZE, RM, MK }).map(([k, c]) => [k, translationScorer(m, words(q))(codeWordIds(m, words(c)))] as const).sort((a, b) => b[1] - a[1])[0][0];
  assert.equal(best('Returns the number of elements.'), 'SIZE');
  assert.equal(best('Deletes the file.'), 'RM');
  assert.equal(best('Creates the directory if missing.'), 'MK');
  assert.equal(translationScorer(m, words('zzqx wwkj'))(codeWordIds(m, words(RM))), 0, 'no known word in the query: 0');
});

test('a table that is missing, damaged or too large for 16-bit word ids says so', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pinpoint-tm-load-'));
  assert.throws(() => loadTranslationModel('tm-x', dir), /translation table tm-x is missing .*reinstall, or run npm run build/);
  copyFileSync(path.join(modelsDir(), `${TRANSLATION_MODEL}.json`), path.join(dir, 'tm-y.json'));
  writeFileSync(path.join(dir, 'tm-y.bin'), Buffer.alloc(16));
  assert.throws(() => loadTranslationModel('tm-y', dir), /translation table tm-y is damaged \(16 bytes for \d+ entries\); reinstall/);
  const code = Array.from({ length: 0x10001 }, (_, i) => `w${i}`);
  writeFileSync(path.join(dir, 'tm-z.json'), JSON.stringify({ sentence: ['a'], background: [1], code, rows: code.map(() => 0) }));
  writeFileSync(path.join(dir, 'tm-z.bin'), Buffer.alloc(0));
  assert.throws(() => loadTranslationModel('tm-z', dir), /65537 code words, over 65536: retrain it with bench\/tmTrain.js --max-code 65535/);
});

let idx: WorkspaceIndex;
before(async () => {
  const root = makeWorkspace({ 'shop/bag.py': `class Bag:\n    ${SIZE.replace(/\n/g, '\n    ')}\n`, 'shop/files.py': `import os\n\n\n${RM}\n\n${MK}` });
  idx = await indexedWorkspace(root, 'tm-idx');
});
after(async () => {
  await idx.close();
});

test('the rank stage computes tm and tmRel for short sentences only; the warm-up works chunks\' words out ahead', async () => {
  const r = createRetriever(idx);
  const featuresOf = async (q: string) => {
    const res = await r.retrieve(q, { k: 10 });
    return { model: res.model, f: new Map(res.candidates.chunks.map((c) => [c.chunk.name, recordOf(CHUNK_FEATURES, c.features)])) };
  };
  const short = await featuresOf('Deletes the file');
  assert.equal(short.model, 'short');
  const drop = short.f.get('drop')!;
  const make = short.f.get('make')!;
  assert.ok(drop && make, 'both functions are candidates');
  assert.ok(drop.tm > make.tm, `drop ${drop.tm} > make ${make.tm}`);
  assert.equal(drop.tmRel, 0, 'the best candidate');
  assert.ok(make.tmRel < 0 && Math.abs(make.tmRel - (make.tm - drop.tm)) < 1e-12);
  for (const q of ['where are files deleted?', 'Bag.n']) {
    const other = await featuresOf(q);
    assert.notEqual(other.model, 'short', q);
    for (const [name, f] of other.f) assert.ok(f.tm === 0 && f.tmRel === 0, `${q}: ${name}`);
  }
  // Priming: a chunk's words are worked out once, by the chunk object, and are the words of its embedding text.
  const chunks = [...idx.indexer.store.chunks()];
  await primeTranslation(chunks);
  const made = codeWordsWorkedOut();
  await primeTranslation(chunks);
  const m = loadTranslationModel();
  for (const c of chunks) assert.deepEqual(chunkCodeWords(c), codeWordIds(m, words(chunkEmbeddingText(c))), c.id);
  assert.equal(codeWordsWorkedOut(), made, 'primed twice and read: none worked out again');
  assert.ok(chunks.some((c) => chunkCodeWords(c).length > 3));
});
