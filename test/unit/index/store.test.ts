import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { DamageInfo, VectorStore } from '../../../src/core/index/vectorStore';
import { shardName, shardOf } from '../../../src/core/index/shardFormat';
import { plainChunk } from '../../../src/core/index/chunkTexts';
import { makeFile, rng, tempDir, unitVector } from './storeHelpers';

const DIM = 24; // not a multiple of 8: exercises row padding

function shardFiles(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of readdirSync(path.join(dir, 'shards'))) out.set(n, statSync(path.join(dir, 'shards', n)).mtimeMs);
  return out;
}

test('putFile / removeFile / reopen round trip keeps chunks and (int8-quantized) vectors bit-for-bit', async (t) => {
  const dir = tempDir(t);
  const rand = rng(1);
  const store = await VectorStore.open(dir, { dimension: DIM, shardCount: 16 });
  const files = ['src/a.ts', 'src/b.ts', 'lib/c/d.py', 'README.md', 'x/y/z.go'].map((p, i) => makeFile(p, i + 1, DIM, rand));
  for (const f of files) store.putFile(f.entry, f.chunks, f.vectors);
  const stored = new Map(files.flatMap((f) => f.chunks.map((c, i) => {
    const v = store.getVector(c.id)!;
    // int8 with a power-of-two scale: each element within maxAbs / 127 of the input, and never all zero.
    const maxAbs = Math.max(...f.vectors[i].map(Math.abs));
    f.vectors[i].forEach((x, j) => assert.ok(Math.abs(x - v[j]) <= maxAbs / 127, `element ${j} quantized within a step`));
    assert.ok(v.some((x) => x !== 0));
    return [c.id, v] as const;
  })));
  assert.equal(store.getChunk(files[1].chunks[0].id)?.text, files[1].chunks[0].text, 'searchable/readable before flush');
  store.removeFile('README.md');
  await store.close();

  const again = await VectorStore.open(dir, { dimension: DIM });
  assert.equal(again.shardCount, 16, 'shard count comes from store.json');
  assert.deepEqual([...again.files()].map((f) => f.path).sort(), ['lib/c/d.py', 'src/a.ts', 'src/b.ts', 'x/y/z.go']);
  for (const f of files) {
    if (f.entry.path === 'README.md') {
      assert.equal(again.getFile('README.md'), undefined);
      for (const c of f.chunks) assert.equal(again.getChunk(c.id), undefined);
      continue;
    }
    assert.deepEqual(again.getFile(f.entry.path), f.entry);
    f.chunks.forEach((c, i) => {
      assert.deepEqual(plainChunk(again.getChunk(c.id)!), c);
      const v = again.getVector(c.id)!;
      const want = stored.get(c.id)!;
      assert.deepEqual(Buffer.from(v.buffer, v.byteOffset, v.byteLength), Buffer.from(want.buffer, want.byteOffset, want.byteLength), 'bit-for-bit');
      assert.equal(f.vectors[i].length, v.length);
    });
  }
  assert.equal(again.fingerprint(), store.fingerprint());
  const s = again.stats();
  assert.equal(s.files, 4);
  assert.equal(s.chunks, 1 + 2 + 3 + 5);
  assert.ok(s.bytesOnDisk > 0 && s.shards > 0);
  await again.close();
});

test('replacing a file drops its old chunks; only dirty shards are rewritten', async (t) => {
  const dir = tempDir(t);
  const rand = rng(2);
  const store = await VectorStore.open(dir, { dimension: DIM, shardCount: 64 });
  const paths = Array.from({ length: 40 }, (_, i) => `pkg/file${i}.ts`);
  for (const p of paths) {
    const f = makeFile(p, 3, DIM, rand);
    store.putFile(f.entry, f.chunks, f.vectors);
  }
  await store.flush();
  const before = shardFiles(dir);
  await new Promise((r) => setTimeout(r, 20));

  const target = paths[7];
  const old = store.getFile(target)!;
  const repl = makeFile(target, 2, DIM, rand);
  repl.chunks.forEach((c) => (c.text += ' // edited'));
  repl.chunks.forEach((c) => (c.id = `${c.id}-v2`));
  store.putFile(repl.entry, repl.chunks, repl.vectors);
  for (const id of old.chunkIds) assert.equal(store.getChunk(id), undefined);
  assert.equal(store.stats().chunks, 40 * 3 - 1);
  await store.flush();
  const after = shardFiles(dir);
  const changed = [...after].filter(([n, m]) => before.get(n) !== m).map(([n]) => n);
  assert.deepEqual(changed, [shardName(shardOf(target, 64))]);

  await store.flush(); // nothing dirty: nothing written
  assert.deepEqual(shardFiles(dir), after);

  // Removing the only file of a shard deletes the shard file.
  const lonely = paths.find((p) => paths.filter((q) => shardOf(q, 64) === shardOf(p, 64)).length === 1)!;
  store.removeFile(lonely);
  await store.close();
  assert.equal(shardFiles(dir).has(shardName(shardOf(lonely, 64))), false);
});

test('re-putting a file keeps the body and vector of each chunk id it already had, at its new lines', async (t) => {
  const dir = tempDir(t);
  const rand = rng(5);
  const store = await VectorStore.open(dir, { dimension: DIM, shardCount: 4 });
  const f = makeFile('src/big.ts', 4, DIM, rand);
  store.putFile(f.entry, f.chunks, f.vectors);
  const held = store.getChunk(f.chunks[1].id)!;
  const vector = store.getVector(f.chunks[1].id)!;
  const scratch = store.stats().scratchBytes;

  // A line inserted above: every chunk moves down; the third changes (a new id), the others keep theirs.
  const next = f.chunks.map((c) => ({ ...c, startLine: c.startLine + 1, endLine: c.endLine + 1 }));
  next[2] = { ...next[2], id: `${next[2].id}-v2`, text: `${next[2].text} // edited` };
  const vectors = next.map(() => unitVector(DIM, rand)); // new vectors: those of the kept ids are not used
  store.putFile({ ...f.entry, size: f.entry.size + 1 }, next, vectors);

  const moved = store.getChunk(f.chunks[1].id)!;
  assert.deepEqual([moved.startLine, moved.endLine, moved.text], [f.chunks[1].startLine + 1, f.chunks[1].endLine + 1, f.chunks[1].text]);
  assert.deepEqual(store.getVector(f.chunks[1].id), vector, 'the stored vector stays');
  assert.equal(held.startLine, f.chunks[1].startLine, 'a chunk handed out before is not changed under its holder');
  assert.equal(held.text, f.chunks[1].text);
  assert.equal(store.getChunk(f.chunks[2].id), undefined);
  assert.equal(store.getChunk(next[2].id)!.text, next[2].text);
  // only the new chunk's body was written to the scratch file
  const grew = store.stats().scratchBytes - scratch;
  assert.ok(grew > 0 && grew < Buffer.byteLength(next[2].text) + 200, `scratch file grew by ${grew} bytes`);

  await store.close();
  const again = await VectorStore.open(dir, { dimension: DIM });
  assert.deepEqual(next.map((c) => plainChunk(again.getChunk(c.id)!)), next);
  assert.deepEqual(again.getVector(f.chunks[1].id), vector);
  await again.close();
});

test('truncated and garbage shards are reported, quarantined, and do not prevent open', async (t) => {
  const dir = tempDir(t);
  const rand = rng(3);
  const store = await VectorStore.open(dir, { dimension: DIM, shardCount: 8 });
  const paths = Array.from({ length: 24 }, (_, i) => `f${i}.ts`);
  for (const p of paths) {
    const f = makeFile(p, 2, DIM, rand);
    store.putFile(f.entry, f.chunks, f.vectors);
  }
  await store.close();

  const shards = [...shardFiles(dir).keys()].sort();
  const [truncated, garbage] = shards;
  const tPath = path.join(dir, 'shards', truncated);
  const buf = await fs.readFile(tPath);
  await fs.writeFile(tPath, buf.subarray(0, Math.floor(buf.length / 2)));
  await fs.writeFile(path.join(dir, 'shards', garbage), Buffer.from('this is not a shard at all, just garbage bytes'));

  const damage: DamageInfo[] = [];
  const again = await VectorStore.open(dir, { dimension: DIM, onDamage: (d) => damage.push(d) });
  assert.deepEqual(damage.map((d) => d.shard).sort(), [garbage, truncated].sort());
  assert.match(damage.find((d) => d.shard === truncated)!.reason, /truncated/);
  assert.match(damage.find((d) => d.shard === garbage)!.reason, /bad-magic/);
  const lostShards = new Set([truncated, garbage]);
  for (const p of paths) {
    const lost = lostShards.has(shardName(shardOf(p, 8)));
    assert.equal(again.getFile(p) === undefined, lost, p);
  }
  assert.equal(readdirSync(path.join(dir, 'quarantine')).length, 2);
  // The lost files can simply be indexed again.
  const f = makeFile(paths.find((p) => shardName(shardOf(p, 8)) === truncated)!, 2, DIM, rand);
  again.putFile(f.entry, f.chunks, f.vectors);
  await again.close();
  const third = await VectorStore.open(dir, { dimension: DIM, onDamage: (d) => assert.fail(d.reason) });
  assert.ok(third.getFile(f.entry.path));
});

test('a bit flip inside a shard is caught by the checksum', async (t) => {
  const dir = tempDir(t);
  const store = await VectorStore.open(dir, { dimension: DIM, shardCount: 1 });
  const f = makeFile('a.ts', 4, DIM, rng(4));
  store.putFile(f.entry, f.chunks, f.vectors);
  await store.close();
  const file = path.join(dir, 'shards', shardName(0));
  const buf = await fs.readFile(file);
  buf[buf.length - 30] ^= 0x10;
  await fs.writeFile(file, buf);
  const damage: DamageInfo[] = [];
  const again = await VectorStore.open(dir, { dimension: DIM, onDamage: (d) => damage.push(d) });
  assert.equal(damage.length, 1);
  assert.match(damage[0].reason, /checksum/);
  assert.equal(again.stats().files, 0);
});

test('a dimension change discards stored vectors and says so', async (t) => {
  const dir = tempDir(t);
  const store = await VectorStore.open(dir, { dimension: DIM });
  const f = makeFile('a.ts', 2, DIM, rng(5));
  store.putFile(f.entry, f.chunks, f.vectors);
  await store.close();
  const damage: DamageInfo[] = [];
  const again = await VectorStore.open(dir, { dimension: 32, onDamage: (d) => damage.push(d) });
  assert.equal(damage.length, 1);
  assert.match(damage[0].reason, /dimension changed/);
  assert.equal(again.stats().chunks, 0);
  assert.throws(() => again.putFile(f.entry, f.chunks, f.vectors), /dimension/);
});

test('changing the shard count re-buckets files on the next flush', async (t) => {
  const dir = tempDir(t);
  const rand = rng(6);
  const store = await VectorStore.open(dir, { dimension: DIM, shardCount: 4 });
  for (let i = 0; i < 20; i++) {
    const f = makeFile(`m/${i}.rs`, 2, DIM, rand);
    store.putFile(f.entry, f.chunks, f.vectors);
  }
  await store.close();
  const fp = store.fingerprint();
  const wider = await VectorStore.open(dir, { dimension: DIM, shardCount: 32, onDamage: (d) => assert.fail(d.reason) });
  assert.equal(wider.stats().files, 20);
  await wider.close();
  const reopened = await VectorStore.open(dir, { dimension: DIM, onDamage: (d) => assert.fail(d.reason) });
  assert.equal(reopened.shardCount, 32);
  assert.equal(reopened.fingerprint(), fp);
  for (const n of shardFiles(dir).keys()) assert.ok(parseInt(n.slice(2, 6), 16) < 32);
  assert.ok(shardFiles(dir).size > 4);
});

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

/** A 64-dim store of `files` random files (`<prefix>/<i>.ts`) of `perFile` chunks each, and every chunk's id and vector. */
async function randomStore(t: Parameters<typeof tempDir>[0], seed: number, prefix: string, files: number, perFile: number, shardCount: number) {
  const rand = rng(seed);
  const dim = 64;
  const store = await VectorStore.open(tempDir(t), { dimension: dim, shardCount });
  const all: { id: string; v: Float32Array }[] = [];
  for (let i = 0; i < files; i++) {
    const f = makeFile(`${prefix}/${i}.ts`, perFile, dim, rand);
    store.putFile(f.entry, f.chunks, f.vectors);
    f.chunks.forEach((c, j) => all.push({ id: c.id, v: f.vectors[j] }));
  }
  return { store, all, rand, dim };
}

/** Scores come from int8 rows and an i16-quantized query: within this of the float dot product with the stored vectors. */
const SCORE_TOLERANCE = 1e-4;

/** `got` is a best-first top-k by exact score among `expected` (sorted), allowing near-ties to swap. */
function assertTopK(got: { id: string; score: number }[], expected: { id: string; score: number }[], exact: Map<string, number>): void {
  assert.ok(got.length <= expected.length, 'no more hits than candidates');
  got.forEach((h, i) => {
    assert.ok(Math.abs(h.score - exact.get(h.id)!) < SCORE_TOLERANCE, 'score is the dot product with the stored vector');
    assert.ok(exact.get(h.id)! >= expected[i].score - 2 * SCORE_TOLERANCE, `rank ${i + 1} is as good as the exact rank ${i + 1}`);
    if (i) assert.ok(got[i - 1].score >= h.score, 'best first');
  });
  assert.equal(new Set(got.map((h) => h.id)).size, got.length);
}

test('search returns the nearest vectors in order, honours k and filter', async (t) => {
  const { store, all, rand, dim } = await randomStore(t, 7, 's', 50, 5, 8);
  store.removeFile('s/3.ts'); // leaves free rows in the slab
  const live = all.filter((x) => store.getChunk(x.id));
  const q = unitVector(dim, rand);
  const exact = new Map(live.map((x) => [x.id, dot(q, store.getVector(x.id)!)]));
  const expected = live.map((x) => ({ id: x.id, score: exact.get(x.id)! })).sort((a, b) => b.score - a.score);
  const got = store.search(q, 10);
  assert.equal(got.length, 10);
  assertTopK(got, expected, exact);
  // The vector of a stored chunk is its own nearest neighbour.
  assert.equal(store.search(live[17].v, 1)[0].id, live[17].id);
  const odd = new Set(live.filter((_, i) => i % 2).map((x) => x.id));
  const filtered = store.search(q, 5, (id) => odd.has(id));
  assert.ok(filtered.length === 5 && filtered.every((h) => odd.has(h.id)));
  assertTopK(filtered, expected.filter((x) => odd.has(x.id)), exact);
  assert.equal(store.search(q, 1000).length, live.length);
  assert.deepEqual(store.search(q, 0), []);
});

test('searchWithScores keeps every chunk\'s score from the scan, and recomputes once the store changed', async (t) => {
  const { store, all, rand, dim } = await randomStore(t, 11, 'w', 30, 4, 4);
  store.removeFile('w/5.ts'); // a free row: its score must not be reported
  const q = unitVector(dim, rand);
  const { hits, scoreOf, bestOfFile } = store.searchWithScores(q, 7);
  assert.deepEqual(hits, store.search(q, 7));
  for (const x of all) {
    if (!store.getChunk(x.id)) assert.equal(scoreOf(x.id), undefined, 'a removed chunk has no score');
    else assert.ok(Math.abs(scoreOf(x.id)! - dot(q, store.getVector(x.id)!)) < SCORE_TOLERANCE, 'every live chunk scored with its own vector');
  }
  for (const f of store.files()) {
    for (const n of [1, 2, 40]) assert.equal(bestOfFile(f.path, n), Math.max(...f.chunkIds.slice(0, n).map((id) => scoreOf(id)!)), `${f.path} first ${n}`);
  }
  assert.equal(bestOfFile('w/5.ts', 40), undefined, 'a removed file has no score');
  // The freed row is reused by a new chunk with another vector: the kept score would be stale, so it is recomputed.
  const f = makeFile('w/new.ts', 1, dim, rand);
  store.putFile(f.entry, f.chunks, f.vectors);
  assert.ok(Math.abs(scoreOf(f.chunks[0].id)! - dot(q, store.getVector(f.chunks[0].id)!)) < 1e-6);
  assert.equal(bestOfFile('w/new.ts', 1), scoreOf(f.chunks[0].id));
});

test('putFile validates its input', async (t) => {
  const dir = tempDir(t);
  const store = await VectorStore.open(dir, { dimension: DIM });
  const f = makeFile('a.ts', 2, DIM, rng(8));
  assert.throws(() => store.putFile(f.entry, f.chunks, f.vectors.slice(1)), /vectors/);
  assert.throws(() => store.putFile({ ...f.entry, path: 'b.ts' }, f.chunks, f.vectors), /belongs to/);
  assert.throws(() => store.putFile(f.entry, [f.chunks[0], f.chunks[0]], [f.vectors[0], f.vectors[0]]), /duplicate/);
  store.putFile(f.entry, f.chunks, f.vectors);
  const g = makeFile('b.ts', 1, DIM, rng(9));
  g.chunks[0] = { ...f.chunks[0], path: 'b.ts' };
  assert.throws(() => store.putFile(g.entry, g.chunks, g.vectors), /already belongs/);
});
