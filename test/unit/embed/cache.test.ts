import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, truncateSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BuiltinEmbedder } from '../../../src/core/embed/builtin';
import { CachedEmbedder, EmbeddingCache, cacheKey } from '../../../src/core/embed/cache';
import { embedderDirName, type Embedder } from '../../../src/core/embed/embedder';
import { OpenAIEmbedder } from '../../../src/core/embed/openai';
import { OpenAITestServer } from '../../helpers/openaiTestServer';

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'pinpoint-cache-'));
}

/** Counts texts sent to the inner embedder. */
class Counting implements Embedder {
  calls = 0;
  texts = 0;
  constructor(readonly inner: Embedder) {}
  get id() { return this.inner.id; }
  get model() { return this.inner.model; }
  get dimension() { return this.inner.dimension; }
  embed(texts: string[]) {
    this.calls++;
    this.texts += texts.length;
    return this.inner.embed(texts);
  }
}

const texts = ['function a() {}', 'class B {}', 'const c = 1', 'function a() {}'];

test('cache: second embed of the same texts makes zero HTTP requests; survives reopen', async () => {
  const server = await OpenAITestServer.start({ dimension: 16 });
  const root = tmp();
  try {
    const inner = new OpenAIEmbedder({ baseURL: server.baseURL, model: 'm', dimension: 16, batchSize: 2 });
    let cached = new CachedEmbedder(inner, await EmbeddingCache.forEmbedder(root, inner));
    const first = await cached.embed(texts);
    assert.equal(server.requestsTo('/v1/embeddings').length, 2); // 3 distinct texts, batch 2
    assert.deepEqual(cached.stats, { hits: 1, misses: 3 }); // the duplicate within the call is a hit
    const again = await cached.embed(texts);
    assert.equal(server.requestsTo('/v1/embeddings').length, 2);
    assert.deepEqual(again, first);
    await cached.close();

    cached = new CachedEmbedder(inner, await EmbeddingCache.forEmbedder(root, inner));
    assert.equal(cached.cache.size, 3);
    const reopened = await cached.embed([...texts].reverse());
    assert.equal(server.requestsTo('/v1/embeddings').length, 2);
    assert.deepEqual(reopened, [...first].reverse());
    assert.equal(cached.stats.misses, 0);
    await cached.close();
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('cache: a torn or corrupt tail is cut off, never a load failure', async () => {
  const dir = tmp();
  try {
    const dim = 8;
    let cache = await EmbeddingCache.open(dir, { dimension: dim });
    const v = (i: number) => Float32Array.from({ length: dim }, (_, k) => i + k / 10);
    for (let i = 0; i < 5; i++) cache.put(cacheKey(`t${i}`), v(i));
    await cache.close();
    const file = path.join(dir, 'embeddings.bin');
    const full = statSync(file).size;
    const rs = 16 + dim * 4 + 4;
    assert.equal(full, 16 + 5 * rs);

    truncateSync(file, full - 7); // crash mid-append of the last record
    cache = await EmbeddingCache.open(dir, { dimension: dim });
    assert.equal(cache.size, 4);
    assert.equal(cache.recoveredBytes, rs - 7);
    assert.deepEqual(await cache.get(cacheKey('t3')), v(3));
    assert.equal(await cache.get(cacheKey('t4')), undefined);
    cache.put(cacheKey('t4'), v(4)); // appends stay aligned after the cut
    await cache.close();

    appendFileSync(file, Buffer.alloc(rs, 0)); // size extended, data never written (zeros): CRC catches it
    cache = await EmbeddingCache.open(dir, { dimension: dim });
    assert.equal(cache.size, 5);
    assert.deepEqual(await cache.get(cacheKey('t4')), v(4));
    await cache.close();
    assert.equal(statSync(file).size, 16 + 5 * rs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cache: branch switch back and forth re-embeds nothing (builtin wrapped too)', async () => {
  const root = tmp();
  try {
    const inner = new Counting(new BuiltinEmbedder());
    const cached = new CachedEmbedder(inner, await EmbeddingCache.forEmbedder(root, inner));
    const branchA = ['a1', 'a2', 'shared'];
    const branchB = ['b1', 'shared'];
    const va = await cached.embed(branchA);
    await cached.embed(branchB);
    const va2 = await cached.embed(branchA);
    assert.equal(inner.texts, 4); // a1, a2, shared, b1
    assert.deepEqual(va2, va);
    assert.deepEqual(va[0], new BuiltinEmbedder().embedOne('a1'));
    // queries: in-memory only, never persisted
    await cached.embed(['find the parser'], { kind: 'query' });
    await cached.embed(['find the parser'], { kind: 'query' });
    assert.equal(inner.texts, 5);
    assert.equal(cached.cache.size, 4);
    await cached.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('cache: switching model or dimension keys caches apart', async () => {
  const root = tmp();
  try {
    const mk = (model: string, dimension: number) => new OpenAIEmbedder({ baseURL: 'http://127.0.0.1:9/v1', model, dimension });
    const dirs = new Set([mk('a', 8), mk('a', 16), mk('b', 8), mk('a/b', 8), mk('a_b', 8)].map((e) => embedderDirName(e)));
    assert.equal(dirs.size, 5);
    assert.notEqual(embedderDirName(new BuiltinEmbedder()), embedderDirName(new BuiltinEmbedder({ dimension: 256 })));
    const c8 = await EmbeddingCache.forEmbedder(root, mk('a', 8));
    c8.put(cacheKey('x'), new Float32Array(8).fill(1));
    await c8.close();
    const c16 = await EmbeddingCache.forEmbedder(root, mk('a', 16));
    assert.equal(c16.size, 0);
    await c16.close();
    // a cache file reopened with another dimension starts afresh instead of failing
    const again = await EmbeddingCache.open(path.join(root, embedderDirName(mk('a', 8))), { dimension: 4 });
    assert.equal(again.size, 0);
    await again.close();
    assert.throws(() => new CachedEmbedder(mk('a', 8), c16), /dimension/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('cache: compaction past maxBytes keeps the newest records', async () => {
  const dir = tmp();
  try {
    const dim = 4;
    const rs = 16 + dim * 4 + 4;
    const cache = await EmbeddingCache.open(dir, { dimension: dim, maxBytes: 16 + 20 * rs, writeEvery: 1000 });
    for (let i = 0; i < 21; i++) {
      cache.put(cacheKey(`k${i}`), new Float32Array(dim).fill(i));
      await cache.write();
    }
    assert.ok(cache.fileBytes <= 16 + 20 * rs);
    assert.ok(cache.size < 21);
    assert.deepEqual(await cache.get(cacheKey('k20')), new Float32Array(dim).fill(20));
    assert.equal(await cache.get(cacheKey('k0')), undefined);
    await cache.compact((k) => k === cacheKey('k20'));
    assert.equal(cache.size, 1);
    await cache.close();
    const re = await EmbeddingCache.open(dir, { dimension: dim });
    assert.equal(re.size, 1);
    await re.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
