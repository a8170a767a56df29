import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { StoredChunk, TextArena, plainChunk } from '../../../src/core/index/chunkTexts';
import { VectorStore } from '../../../src/core/index/vectorStore';
import { makeChunk, makeFile, rng, tempDir } from './storeHelpers';

test('text arena: bodies round-trip from the stage and from the file, across stage flushes and oversized records', (t) => {
  const dir = tempDir(t);
  const arena = new TextArena(dir);
  t.after(() => arena.close());
  const bodies = [
    { text: 'plain ascii', doc: '', signature: '', hash: 'h0' },
    { text: 'non-ASCII: é → 𝔘 漢字 \u0000 nul', doc: 'dôc', signature: 'fn(ß)', hash: 'h1' },
    { text: '', doc: '', signature: '', hash: '' },
    { text: 'x'.repeat(3 << 20), doc: 'big', signature: 's', hash: 'h3' }, // larger than the 1 MB stage
  ];
  for (let i = 0; i < 10_000; i++) bodies.push({ text: `line ${i}\n`.repeat(1 + (i % 50)), doc: `doc ${i}`, signature: `def f${i}():`, hash: `${i}`.padStart(64, '0') });
  const refs = bodies.map((b) => arena.put(b));
  assert.ok(arena.size > 4 << 20, 'several stage flushes happened');
  assert.equal(arena.live, arena.size);
  // Read back in a scattered order, so the one-record cache does not answer.
  for (let i = 0; i < bodies.length; i++) {
    const j = (i * 7919) % bodies.length;
    assert.deepEqual(arena.get(refs[j].at, refs[j].len), bodies[j], `record ${j}`);
  }
  // And in file order, forwards and backwards: most records then come from the read window of an earlier one.
  for (let i = 0; i < bodies.length; i++) assert.deepEqual(arena.get(refs[i].at, refs[i].len), bodies[i], `record ${i} (in order)`);
  for (let i = bodies.length - 1; i >= 0; i--) assert.deepEqual(arena.get(refs[i].at, refs[i].len), bodies[i], `record ${i} (reverse)`);
  arena.free(refs[0].len);
  assert.equal(arena.live, arena.size - refs[0].len);
  assert.deepEqual(readdirSync(dir), [], 'the scratch file has no name once open (POSIX)');
  arena.close();
  assert.throws(() => arena.get(refs[5].at, refs[5].len), /closed/);
});

test('text arena: a directory it cannot write to sends the scratch file to the temp directory', (t) => {
  const arena = new TextArena(path.join(tempDir(t), 'no', 'such', 'dir'));
  t.after(() => arena.close());
  const ref = arena.put({ text: 't', doc: 'd', signature: 's', hash: 'h' });
  assert.deepEqual(arena.get(ref.at, ref.len), { text: 't', doc: 'd', signature: 's', hash: 'h' });
});

test('stored chunk: reads like the chunk it was made from; JSON and plainChunk carry the body; a moved body still reads', (t) => {
  const dir = tempDir(t);
  const a = new TextArena(dir);
  const b = new TextArena(dir);
  t.after(() => {
    a.close();
    b.close();
  });
  for (const i of [1, 2, 3]) {
    const c = makeChunk('src/x.ts', i);
    const s = new StoredChunk(c, a);
    assert.equal(s.text, c.text);
    assert.equal(s.doc, c.doc);
    assert.equal(s.signature, c.signature);
    assert.equal(s.hash, c.hash);
    assert.deepEqual(plainChunk(s), c);
    assert.deepEqual(JSON.parse(JSON.stringify(s)), c);
    const before = a.live;
    s.moveTo(b);
    assert.ok(a.live < before, 'freed in the old arena');
    assert.deepEqual(plainChunk(s), c, 'same body from the new arena');
  }
});

test('store: replacing files past the compaction threshold keeps every body; a chunk held from before still reads', async (t) => {
  const dir = tempDir(t);
  const rand = rng(7);
  const store = await VectorStore.open(dir, { dimension: 8, shardCount: 4 });
  const big = (p: string, round: number) => {
    const f = makeFile(p, 40, 8, rand);
    // ~5 MB of text per file, different every round (so new ids: ids hash the content), so each round replaces every body.
    f.chunks.forEach((c) => {
      c.text = `${round} ${c.name} `.repeat(20_000);
      c.id = `${c.id}-r${round}`;
    });
    return f;
  };
  let held = store.getChunk(big('a.ts', 0).chunks[0].id);
  let heldText = '';
  let written = 0;
  for (let round = 0; round < 8; round++) {
    for (const p of ['a.ts', 'b.ts']) {
      const f = big(p, round);
      store.putFile(f.entry, f.chunks, f.vectors);
      written += f.chunks.reduce((n, c) => n + c.text.length, 0);
      if (round === 0 && p === 'a.ts') {
        held = store.getChunk(f.chunks[3].id)!;
        heldText = f.chunks[3].text;
      }
    }
  }
  // ~80 MB written, ~10 MB live: a compaction ran (past 64 MB, dead > live).
  assert.ok(written > 70e6 && store.stats().scratchBytes < written, `scratch ${store.stats().scratchBytes} B after ${written} B written`);
  for (const p of ['a.ts', 'b.ts']) {
    for (const id of store.getFile(p)!.chunkIds) assert.match(store.getChunk(id)!.text, /^7 /);
  }
  assert.equal(held!.text, heldText, 'a chunk replaced before the compaction still reads (its arena is retired, not closed)');
  await store.close();
  const again = await VectorStore.open(dir, { dimension: 8 });
  for (const id of again.getFile('a.ts')!.chunkIds) assert.match(again.getChunk(id)!.text, /^7 /);
  const last = again.getChunk(again.getFile('b.ts')!.chunkIds[1])!;
  await again.close();
  assert.throws(() => last.text, /closed/, 'a closed store says so');
});
