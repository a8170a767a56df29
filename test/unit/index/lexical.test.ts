import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LexicalIndex } from '../../../src/core/index/lexical';
import { queryCoverage } from '../../../src/core/index/coverage';
import { IntegrityError, readFileChecked, writeFileChecked } from '../../../src/core/index/atomicFs';
import type { Chunk } from '../../../src/core/types';
import { makeChunk, tempDir } from './storeHelpers';

function chunk(id: string, fields: Partial<Chunk> & { path: string }): Chunk {
  return {
    id, language: 'typescript', kind: 'function', name: '', qualifiedName: '', startLine: 1, endLine: 10,
    signature: '', doc: '', text: '', hash: id, ...fields,
  };
}

const corpus: Chunk[] = [
  chunk('def', {
    path: 'src/config/loader.ts', name: 'parseHTTPConfig', qualifiedName: 'ConfigLoader.parseHTTPConfig',
    signature: 'parseHTTPConfig(raw: string): HttpConfig', doc: 'Parses the HTTP section of the settings file.',
    text: 'function parseHTTPConfig(raw: string): HttpConfig {\n  const obj = JSON.parse(raw);\n  return validate(obj);\n}',
  }),
  chunk('mention', {
    path: 'src/server/start.ts', name: 'startServer', qualifiedName: 'startServer',
    text: 'export function startServer() {\n  const cfg = parseHTTPConfig(readFileSync(file, "utf8"));\n  listen(cfg.port);\n}',
  }),
  chunk('other', {
    path: 'src/util/strings.ts', name: 'padLeft', qualifiedName: 'padLeft', kind: 'function',
    text: 'export function padLeft(s: string, n: number) { return s.padStart(n); }',
  }),
  chunk('py', {
    path: 'tools/gen_report.py', language: 'python', name: 'write_summary_table', qualifiedName: 'report.write_summary_table',
    doc: 'Writes the summary table as markdown.', text: 'def write_summary_table(rows):\n    for row in rows:\n        print(row)',
  }),
  chunk('vs', {
    path: 'src/core/index/vectorStore.ts', name: 'flush', qualifiedName: 'VectorStore.flush',
    text: 'async flush() { await this.writeDirtyShards(); }',
  }),
];

test('a camelCase part finds the identifier; the definition outranks a mere mention', () => {
  const lex = LexicalIndex.rebuild(corpus);
  assert.equal(lex.size, corpus.length);
  for (const q of ['config', 'http config', 'parseHTTPConfig', 'parsehttpconfig']) {
    const hits = lex.search(q, 5);
    assert.equal(hits[0]?.id, 'def', q);
    assert.ok(hits.some((h) => h.id === 'mention'), q);
    assert.ok(hits.every((h) => h.score > 0));
  }
  const hits = lex.search('parseHTTPConfig', 5);
  assert.ok(hits[0].score > hits[1].score);
  assert.ok(hits[0].matchedTerms.includes('parsehttpconfig'));
  // snake_case parts and path tokens
  assert.equal(lex.search('summary table', 3)[0].id, 'py');
  assert.equal(lex.search('vector store', 3)[0].id, 'vs');
  // token arrays are accepted as-is
  assert.equal(lex.search(['write', 'summary'], 3)[0].id, 'py');
  assert.deepEqual(lex.search('nothingmatcheshere', 3), []);
  assert.deepEqual(lex.search('config', 5, { filter: (id) => id !== 'def' }).map((h) => h.id), ['mention']);
});

test('remove and re-add (replace) work', () => {
  const lex = LexicalIndex.rebuild(corpus);
  lex.remove(['def', 'unknown-id']);
  assert.equal(lex.has('def'), false);
  assert.deepEqual(lex.search('parseHTTPConfig', 5).map((h) => h.id), ['mention']);
  lex.add([{ ...corpus[2], text: 'export function padLeft() { return parseHTTPConfig(x); }' }]);
  assert.equal(lex.size, corpus.length - 1);
  assert.deepEqual(lex.search('parseHTTPConfig', 5).map((h) => h.id).sort(), ['mention', 'other']);
});

test('a long issue-text query is reduced to selective terms and still finds the target', () => {
  // English filler (plus 'server', which matches another chunk): the planner must drop or narrow it.
  const filler = Array.from({ length: 300 }, (_, i) => ['the', 'server', 'when', 'string', 'which', 'return', 'because'][i % 7]);
  const lex = LexicalIndex.rebuild(corpus);
  const q = `${filler.join(' ')} crashes in write_summary_table while printing ${filler.join(' ')}`;
  const terms = lex.queryTerms(q);
  assert.ok(terms.length <= 32);
  assert.ok(!terms.some((t) => t.term === 'the'), 'stop words dropped');
  assert.equal(lex.search(q, 3)[0].id, 'py');
  // A term over the per-term posting cap is only searched where it names something.
  const narrowed = lex.queryTerms('function string', { termCap: 1 });
  const own = narrowed.filter((t) => !t.variantOf); // other forms of a word are planned on their own postings
  assert.ok(own.length > 0 && own.every((t) => t.fields !== undefined));
  assert.equal(lex.queryTerms('config padleft', { termCap: 1, postingBudget: 0 }).length, 1, 'the most selective term is always kept');
  assert.deepEqual(lex.queryTerms('function', { termCap: 1 }), [], 'a common term that names nothing is dropped');
});

test('persisted and reloaded index gives the same results; a stale fingerprint is detected', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'lexical.bin');
  const lex = LexicalIndex.rebuild(corpus);
  lex.remove(['other']);
  await lex.save(file, 'fp-1');
  assert.equal(await LexicalIndex.fingerprintOf(file), 'fp-1');
  const loaded = await LexicalIndex.load(file, 'fp-1');
  assert.ok(loaded);
  for (const q of ['config', 'summary table', 'vector store flush', 'padLeft', 'string']) assert.deepEqual(loaded.search(q, 5), lex.search(q, 5), q);
  assert.equal(loaded.size, lex.size);
  // stale and missing: undefined (caller rebuilds)
  assert.equal(await LexicalIndex.load(file, 'fp-2'), undefined);
  assert.equal(await LexicalIndex.load(path.join(dir, 'absent.bin'), 'fp-1'), undefined);
  // the loaded index keeps working
  loaded.add([chunk('new', { path: 'src/new.ts', name: 'freshThing', text: 'freshThing()' })]);
  assert.equal(loaded.search('fresh thing', 1)[0].id, 'new');
  // truncated / corrupt: IntegrityError
  const buf = await fs.readFile(file);
  await fs.writeFile(file, buf.subarray(0, buf.length - 10));
  await assert.rejects(LexicalIndex.load(file, 'fp-1'), (e) => e instanceof IntegrityError && e.problem === 'truncated');
  buf[buf.length - 5] ^= 1;
  await fs.writeFile(file, buf);
  await assert.rejects(LexicalIndex.load(file, 'fp-1'), (e) => e instanceof IntegrityError && e.problem === 'checksum');
});

test('a lexical file whose checksum holds but whose lists disagree with its header is refused as damaged', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'lexical.bin');
  await LexicalIndex.rebuild(corpus).save(file, 'fp-1');
  const body = await readFileChecked(file); // what save wrote, without the integrity header
  const n = body.readUInt32LE(0);
  const head = JSON.parse(body.toString('utf8', 4, 4 + n)) as { lists: number };
  const rewrite = async (h: object, rest: Buffer) => {
    const json = Buffer.from(JSON.stringify(h));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(json.length);
    await writeFileChecked(file, [len, json, rest]);
  };
  const rest = body.subarray(4 + n);
  await rewrite({ ...head, lists: head.lists + 1 }, rest); // one list more than the file holds
  await assert.rejects(LexicalIndex.load(file, 'fp-1'), (e) => e instanceof IntegrityError && e.problem === 'bad-length');
  await rewrite(head, Buffer.concat([rest, Buffer.alloc(4)])); // four stray bytes at the end
  await assert.rejects(LexicalIndex.load(file, 'fp-1'), (e) => e instanceof IntegrityError && e.problem === 'bad-length');
  await rewrite(head, rest); // as written: loads
  assert.ok(await LexicalIndex.load(file, 'fp-1'));
});

test('vacuum after many removals keeps results intact', async () => {
  const many = Array.from({ length: 300 }, (_, i) => chunk(`c${i}`, { path: `f${i}.ts`, name: `handler${i}`, text: `handler${i} common words here` }));
  const lex = LexicalIndex.rebuild(many);
  lex.remove(many.slice(0, 250).map((c) => c.id));
  await lex.vacuum();
  assert.equal(lex.size, 50);
  assert.equal(lex.search('handler260', 1)[0].id, 'c260');
  assert.equal(lex.search('common', 100).length, 50);
});

test('other forms of a query word are searched (weighted lower), hyphenated prose words count as words, coverage is reported', () => {
  const lex = LexicalIndex.rebuild([
    chunk('embed', {
      path: 'src/index/indexer.ts', name: 'embedMissing', qualifiedName: 'Indexer.embedMissing',
      doc: 'Fills in vectors for new chunks.', text: 'private async embedMissing(chunks: Chunk[]) { return embedder.embed(chunks); }',
    }),
    chunk('save', { path: 'src/index/store.ts', name: 'save', qualifiedName: 'Store.save', text: 'save() { writeShards(); }' }),
    chunk('noise', { path: 'src/util/log.ts', name: 'log', qualifiedName: 'log', text: 'function log(line) { console.log(line); }' }),
  ]);
  // "embedded" is not in the vocabulary; `embed` (and `embedmissing`'s part) are its other forms.
  const terms = lex.queryTerms('where are chunks re-embedded after a save?');
  const embed = terms.find((t) => t.term === 'embed');
  assert.ok(embed, 'the base form is searched');
  assert.equal(embed.variantOf, 'embedded');
  const embedded = terms.find((t) => t.term === 'embedded');
  assert.equal(embedded, undefined, 'a word that matches nothing is not planned');
  // "re-embedded" is unknown: its parts weigh as words (`embed` at the variant weight of a whole word), not as
  // identifier parts (which would be 0.4 × that).
  assert.equal(embed.weight, 0.5);
  assert.equal(lex.variants('embedded')[0], 'embed');
  assert.deepEqual(lex.variants('chunk'), ['chunks']);
  const hits = lex.search('where are chunks re-embedded after a save?', 3);
  assert.equal(hits[0].id, 'embed', 'the chunk covering more of the question wins');
  const cover = new Map(hits.map((h) => [h.id, h.coverage]));
  assert.ok(cover.get('embed')! > cover.get('save')!, `coverage ${[...cover]}`);
  assert.ok(cover.get('embed')! < 1 && cover.get('embed')! > 0.3);
  assert.equal(hits.find((h) => h.id === 'noise'), undefined);
  // Long queries are not expanded: their own words are enough and must not be displaced.
  const long = lex.queryTerms(Array.from({ length: 20 }, (_, i) => `word${i}x`).join(' ') + ' embedded');
  assert.ok(!long.some((t) => t.variantOf));
});

test('queryCoverage: a word counts with the idf of its most common form and is covered in proportion to the matched form’s weight', () => {
  const terms = [
    { term: 're-embedded', weight: 1.5, concept: 're-embedded' },
    { term: 'embed', weight: 0.5, concept: 're-embedded', variantOf: 'embedded' },
    { term: 'save', weight: 1, concept: 'save' },
  ];
  const idf: Record<string, number> = { 're-embedded': 9, embed: 2, save: 2 };
  const cover = queryCoverage(terms, (t) => idf[t]);
  assert.equal(cover(0b000), 0);
  assert.equal(cover(0b001), 0.5, 'the rare compound covers its word, which weighs what `embed` weighs');
  assert.ok(Math.abs(cover(0b010) - 1 / 6) < 1e-9, 'another form covers a third of the word (0.5 / 1.5)');
  assert.equal(cover(0b111), 1);
  assert.equal(cover(0b100), 0.5);
});

test('scores do not depend on the order of changes within an update: compaction waits for settle()', () => {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'parser', 'config'];
  const chunks = Array.from({ length: 10_000 }, (_, i) => makeChunk(`src/f${i % 500}.ts`, i, `function fn${i}() { ${words[i % 6]} ${words[(i * 7) % 6]} parse(${i}) }`));
  const first = chunks.slice(0, 3000).map((c) => c.id);
  const second = chunks.slice(3000, 3500).map((c) => c.id);
  const added = Array.from({ length: 200 }, (_, i) => makeChunk('src/new.ts', 20_000 + i, `function added${i}() { parser config gamma }`));
  // The same update, its parts in two orders (as worker results may come back): before settle() existed, the first
  // order compacted after its big removal and kept the 500 later ones as dead postings; the second compacted at the end.
  const a = LexicalIndex.rebuild(chunks);
  a.remove(first);
  a.add(added);
  a.remove(second);
  a.settle();
  const b = LexicalIndex.rebuild(chunks);
  b.remove(second);
  b.add(added);
  b.remove(first);
  b.settle();
  const fresh = LexicalIndex.rebuild([...chunks.slice(3500), ...added]);
  for (const q of ['parser config', 'alpha gamma', 'fn4000 parse']) {
    const [ra, rb, rf] = [a, b, fresh].map((x) => x.search(q, 20).map((h) => `${h.id} ${h.score}`));
    assert.deepEqual(ra, rb, q);
    assert.deepEqual(ra, rf, `${q}: as a fresh build of what is left`);
  }
});
