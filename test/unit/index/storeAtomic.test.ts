import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, readdirSync } from 'node:fs';
import * as path from 'node:path';
import {
  IntegrityError, TEMP_INFIX, coalesce, decodeChecked, encodeChecked, readFileChecked, removeStaleTempFiles, writeFileAtomic, writeFileChecked,
} from '../../../src/core/index/atomicFs';
import { VectorStore } from '../../../src/core/index/vectorStore';
import { CheckedFileStorage } from '../../../src/core/index/checkedStorage';
import * as vectra from 'vectra';
import { shardName, shardOf } from '../../../src/core/index/shardFormat';
import { makeChunk, makeFile, rng, tempDir } from './storeHelpers';

const DEAD_PID = 2 ** 22 + 12345; // above Linux's pid_max default: never alive

test('an interrupted atomic write leaves the old content', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'data.bin');
  await writeFileChecked(file, 'old content');
  // The write dies after its temp file is complete but before the rename.
  await assert.rejects(
    writeFileChecked(file, 'new content', { beforeRename: () => { throw new Error('simulated crash'); } }),
    /simulated crash/,
  );
  assert.equal((await readFileChecked(file)).toString(), 'old content');
  assert.deepEqual(readdirSync(dir), ['data.bin'], 'the failed write cleaned up its temp file');

  // A process killed before the rename leaves a temp file behind: readers never see it, cleanup removes it.
  await fs.writeFile(path.join(dir, `data.bin${TEMP_INFIX}${DEAD_PID}-abcd`), encodeChecked(Buffer.from('new con')));
  assert.equal((await readFileChecked(file)).toString(), 'old content');
  assert.equal(await removeStaleTempFiles(dir), 1);
  assert.deepEqual(readdirSync(dir), ['data.bin']);
  // A temp file of a live process (this one) is left alone.
  await fs.writeFile(path.join(dir, `data.bin${TEMP_INFIX}${process.pid}-abcd`), 'x');
  assert.equal(await removeStaleTempFiles(dir), 0);

  await writeFileAtomic(file, ['a', Buffer.from('b'), 'c']);
  assert.equal(await fs.readFile(file, 'utf8'), 'abc');
});

test('a payload of many small parts is written in a few large pieces, byte for byte', async (t) => {
  const rand = rng(7);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 60_000; i++) {
    // mostly tiny parts (posting lists), now and then one past the stage size, and empty ones
    const n = i % 9973 === 0 ? 300_000 + Math.floor(rand() * 1000) : i % 101 === 0 ? 0 : 1 + Math.floor(rand() * 40);
    const b = Buffer.allocUnsafe(n);
    for (let j = 0; j < n; j++) b[j] = Math.floor(rand() * 256);
    parts.push(b);
  }
  const whole = Buffer.concat(parts);
  const pieces = [...coalesce(parts)];
  assert.ok(pieces.length < 20, `${pieces.length} pieces`);
  assert.ok(Buffer.concat(pieces).equals(whole), 'same bytes, same order');
  const file = path.join(tempDir(t), 'many.bin');
  await writeFileChecked(file, parts);
  assert.ok((await readFileChecked(file)).equals(whole));
});

test('skipping fsync for one file (a new, empty shard) leaves a concurrent write of another file fsynced', async (t) => {
  const dir = tempDir(t);
  const [a, b] = [path.join(dir, 's-0001.pb'), path.join(dir, 's-0002.pb')];
  const storage = new CheckedFileStorage(new vectra.LocalFileStorage());
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const first = storage.withoutSync(a, async () => {
    await storage.upsertFile(a, 'empty index');
    await gate; // still inside while another shard's real write happens
    await storage.upsertFile(a, 'same file, still unsynced');
  });
  await storage.upsertFile(b, 'real data');
  release();
  await first;
  await storage.upsertFile(a, 'real data, later');
  assert.deepEqual([storage.writes, storage.syncedWrites], [4, 2], 'b and the later write of a were fsynced; a inside withoutSync was not');
});

test('checked files detect truncation, padding, bit flips and foreign files', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'x.bin');
  const payload = Buffer.from('hello integrity '.repeat(100));
  const enc = encodeChecked(payload);
  assert.deepEqual(decodeChecked(enc), payload);
  const problem = (buf: Uint8Array) => {
    try {
      decodeChecked(buf);
      return 'ok';
    } catch (e) {
      assert.ok(e instanceof IntegrityError);
      return e.problem;
    }
  };
  assert.equal(problem(enc.subarray(0, enc.length - 1)), 'truncated');
  assert.equal(problem(enc.subarray(0, 7)), 'truncated');
  assert.equal(problem(Buffer.concat([enc, Buffer.from([0])])), 'bad-length');
  const flipped = Buffer.from(enc);
  flipped[100] ^= 4;
  assert.equal(problem(flipped), 'checksum');
  const badHeader = Buffer.from(enc);
  badHeader[5] ^= 1; // length field
  assert.equal(problem(badHeader), 'bad-header');
  assert.equal(problem(Buffer.from('{"json": "not ours"}')), 'bad-magic');
  await assert.rejects(readFileChecked(file), (e) => e instanceof IntegrityError && e.problem === 'missing');
  await writeFileChecked(file, [payload.subarray(0, 10), payload.subarray(10)]);
  assert.deepEqual(await readFileChecked(file), payload);
});

test('a crash during a shard write leaves the previous shard, and open cleans the stray temp file', async (t) => {
  const dir = tempDir(t);
  const rand = rng(11);
  const store = await VectorStore.open(dir, { dimension: 16, shardCount: 4 });
  const f = makeFile('src/a.ts', 3, 16, rand);
  store.putFile(f.entry, f.chunks, f.vectors);
  await store.close();
  const shardFile = path.join(dir, 'shards', shardName(shardOf('src/a.ts', 4)));
  const before = await fs.readFile(shardFile);
  // What a writer killed before its rename leaves behind: a complete or partial temp file.
  await fs.writeFile(`${shardFile}${TEMP_INFIX}${DEAD_PID}-0001`, before.subarray(0, 40));
  const again = await VectorStore.open(dir, { dimension: 16, onDamage: (d) => assert.fail(d.reason) });
  assert.deepEqual(again.getFile('src/a.ts'), f.entry);
  assert.deepEqual(readdirSync(path.join(dir, 'shards')), [path.basename(shardFile)]);
  assert.deepEqual(await fs.readFile(shardFile), before);
});

test('a store with more than 70k records of dimension 384 saves and reopens (no vectra JSON limit)', async (t) => {
  const dir = tempDir(t);
  const dim = 384;
  const files = 7100;
  const per = 10;
  const store = await VectorStore.open(dir, { dimension: dim, fsync: false });
  const rand = rng(12);
  const shared = new Float32Array(dim);
  for (let f = 0; f < files; f++) {
    const p = `pkg${f % 97}/file${f}.ts`;
    const chunks = Array.from({ length: per }, (_, i) => makeChunk(p, i, `x${f}_${i}`));
    const vectors = chunks.map(() => {
      const v = new Float32Array(shared.length);
      v[Math.floor(rand() * dim)] = 1;
      return v;
    });
    store.putFile({ path: p, size: 1, mtimeMs: f, hash: `h${f}`, chunkIds: [] }, chunks, vectors);
  }
  await store.close();
  const s = store.stats();
  assert.equal(s.chunks, files * per);
  assert.ok(s.chunks > 70_000);
  const again = await VectorStore.open(dir, { dimension: dim, fsync: false, onDamage: (d) => assert.fail(d.reason) });
  assert.equal(again.stats().chunks, files * per);
  assert.equal(again.fingerprint(), store.fingerprint());
  const probe = again.getFile(`pkg${5005 % 97}/file5005.ts`)!;
  assert.equal(probe.chunkIds.length, per);
  assert.deepEqual(again.getVector(probe.chunkIds[3]), store.getVector(probe.chunkIds[3]));
});
