import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { dot, EmbeddingError } from '../../../src/core/embed/embedder';
import { createEmbedder } from '../../../src/core/embed/factory';
import { createOpenAIEmbedder, OpenAIEmbedder, type OpenAIEmbedderOptions } from '../../../src/core/embed/openai';
import { fakeEmbedding, OpenAITestServer } from '../../helpers/openaiTestServer';

let server: OpenAITestServer;
before(async () => {
  server = await OpenAITestServer.start({ dimension: 8 });
});
after(() => server.close());
beforeEach(() => server.reset());

const mk = (o: Partial<OpenAIEmbedderOptions> = {}) =>
  new OpenAIEmbedder({ baseURL: server.baseURL, model: 'test-embed', dimension: 8, initialBackoffMs: 5, maxBackoffMs: 20, ...o });
const texts = (n: number) => Array.from({ length: n }, (_, i) => `text ${i}`);
const embeddingsBody = (data: unknown[]) => ({ json: { object: 'list', data, model: 'test-embed' } });

test('openai: batching, order, normalisation, floats requested explicitly', async () => {
  const e = mk({ batchSize: 4, concurrency: 3 });
  const vs = await e.embed(texts(10));
  const reqs = server.requestsTo('/v1/embeddings');
  assert.equal(reqs.length, 3); // ceil(10 / 4)
  assert.deepEqual(reqs.map((r) => (r.json as { input: string[] }).input.length).sort(), [2, 4, 4]);
  for (const r of reqs) assert.equal((r.json as { encoding_format: string }).encoding_format, 'float');
  vs.forEach((v, i) => {
    assert.ok(v instanceof Float32Array && v.length === 8);
    assert.ok(Math.abs(dot(v, v) - 1) < 1e-5);
    assert.ok(Math.abs(dot(v, Float32Array.from(fakeEmbedding(`text ${i}`, 8))) - 1) < 1e-5, 'in input order');
  });
  assert.equal(reqs[0].headers.authorization, 'Bearer not-needed');
});

test('openai: out-of-order `index` and base64 vectors are handled', async () => {
  const v = (t: string) => fakeEmbedding(t, 8);
  server.script('/v1/embeddings', [
    embeddingsBody([
      { index: 1, embedding: Buffer.from(new Float32Array(v('b')).buffer).toString('base64') },
      { index: 0, embedding: v('a') },
    ]),
  ]);
  const [a, b] = await mk().embed(['a', 'b']);
  assert.ok(dot(a, Float32Array.from(v('a'))) > 0.9999);
  assert.ok(dot(b, Float32Array.from(v('b'))) > 0.9999);
});

test('openai: dimension probed with one call when unknown', async () => {
  server.dimension = 12;
  try {
    const e = await createOpenAIEmbedder({ baseURL: server.baseURL, model: 'm' });
    assert.equal(e.dimension, 12);
    assert.equal(server.requestsTo('/v1/embeddings').length, 1);
  } finally {
    server.dimension = 8;
  }
});

test('openai: made from settings through the factory, which loads the SDK only then (index workers never load it)', async () => {
  const e = await createEmbedder({ id: 'openai', baseURL: server.baseURL, model: 'test-embed' });
  assert.ok(e instanceof OpenAIEmbedder);
  assert.equal(e.dimension, 8);
  // A fresh process importing what an index worker imports: no module of the openai package is loaded.
  const script = [
    "require('./out/src/core/embed/factory.js').createLocalEmbedder({ id: 'builtin' });",
    "require('./out/src/core/index/processFile.js'); require('./out/src/core/parsing/chunker.js'); require('./out/src/core/index/workerPool.js');",
    "console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /[\\/]node_modules[\\/]openai[\\/]/.test(k))));",
  ].join('\n');
  const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..', '..', '..', '..'), encoding: 'utf8' })) as string[];
  assert.deepEqual(loaded, []);
});

test('openai: 429 with Retry-After, then success', async () => {
  server.script('/v1/embeddings', [{ status: 429, headers: { 'retry-after': '0.3' }, json: { error: { message: 'slow down' } } }]);
  const t0 = Date.now();
  const vs = await mk({ maxRetries: 2 }).embed(texts(3));
  assert.equal(vs.length, 3);
  assert.equal(server.requestsTo('/v1/embeddings').length, 2);
  assert.ok(Date.now() - t0 >= 280, 'waited as the server asked');
});

test('openai: 500 then success; 429 forever → clear error after retries', async () => {
  server.script('/v1/embeddings', [{ status: 500, json: { error: { message: 'boom' } } }, { status: 503, body: 'unavailable' }]);
  assert.equal((await mk({ maxRetries: 2 }).embed(texts(2))).length, 2);
  assert.equal(server.requestsTo('/v1/embeddings').length, 3);

  server.reset();
  server.script('/v1/embeddings', Array(3).fill({ status: 429, headers: { 'retry-after-ms': '1' }, json: { error: { message: 'quota' } } }));
  await assert.rejects(mk({ maxRetries: 2 }).embed(texts(2)), (e: EmbeddingError) => {
    assert.equal(e.code, 'rate-limited');
    assert.match(e.message, /rate limited by .*429.*quota.*after 2 retries/);
    return true;
  });
});

test('openai: a dropped connection is retried', async () => {
  server.script('/v1/embeddings', [{ destroy: true }]);
  assert.equal((await mk({ maxRetries: 1 }).embed(texts(2))).length, 2);
  assert.equal(server.requestsTo('/v1/embeddings').length, 2);
});

test('openai: timeout → clear error', async () => {
  server.script('/v1/embeddings', [{ hang: true }]);
  await assert.rejects(mk({ timeoutMs: 200, maxRetries: 0 }).embed(texts(3)), (e: EmbeddingError) => {
    assert.equal(e.code, 'timeout');
    assert.match(e.message, /timed out after 200 ms \(batch of 3\)/);
    return true;
  });
});

test('openai: malformed responses are errors, never stored garbage', async () => {
  const cases: [unknown, RegExp][] = [
    [embeddingsBody([{ index: 0, embedding: fakeEmbedding('x', 8) }]), /expected 2 vectors, got 1/],
    [embeddingsBody([0, 1].map((index) => ({ index, embedding: fakeEmbedding('x', 5) }))), /vector 0 has dimension 5, expected 8/],
    [embeddingsBody([0, 1].map((index) => ({ index, embedding: [1, 2, 'x', 4, 5, 6, 7, 8] }))), /non-numeric value "x" at position 2/],
    [embeddingsBody([0, 1].map((index) => ({ index, embedding: null }))), /embedding is null/],
    [embeddingsBody([0, 0].map((index) => ({ index, embedding: fakeEmbedding('x', 8) }))), /duplicate index/],
    [{ json: { object: 'list' } }, /no "data" array/],
  ];
  for (const [reply, re] of cases) {
    server.script('/v1/embeddings', [reply as object]);
    await assert.rejects(mk().embed(['a', 'b']), (e: EmbeddingError) => {
      assert.equal(e.code, 'bad-response');
      assert.match(e.message, /^malformed embeddings response from http:\/\/127\.0\.0\.1:\d+\/v1 \(model "test-embed"\)/);
      assert.match(e.message, re);
      return true;
    });
  }
  server.script('/v1/embeddings', [{ body: 'not json', headers: { 'content-type': 'application/json' } }]);
  await assert.rejects(mk().embed(['a']), EmbeddingError);
});

test('openai: 401 and unknown model give actionable errors without the key', async () => {
  const key = 'sk-secret-key-1234567890';
  server.script('/v1/embeddings', [{ status: 401, json: { error: { message: `Incorrect API key provided: ${key}`, code: 'invalid_api_key' } } }]);
  await assert.rejects(mk({ apiKey: key }).embed(['a']), (e: EmbeddingError) => {
    assert.equal(e.code, 'auth');
    assert.match(e.message, /rejected the request \(401 Unauthorized\) — check the API key/);
    assert.ok(!e.message.includes(key) && !String(e.stack).includes(key));
    return true;
  });
  assert.equal(server.requestsTo('/v1/embeddings')[0].headers.authorization, `Bearer ${key}`);
  assert.equal(server.requestsTo('/v1/embeddings').length, 1, '401 is not retried');

  server.script('/v1/embeddings', [{ status: 404, json: { error: 'model "nomic-embed-text" not found, try pulling it first' } }]);
  await assert.rejects(mk({ model: 'nomic-embed-text' }).embed(['a']), (e: EmbeddingError) => {
    assert.equal(e.code, 'model-not-found');
    assert.match(e.message, /model "nomic-embed-text" not found at .*ollama pull nomic-embed-text/);
    return true;
  });
  await assert.rejects(mk({ baseURL: server.origin }).embed(['a']), /was not found \(404\) — check the base URL/);
});

test('openai: server down → one clear error', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const url = `http://127.0.0.1:${port}/v1`;
  const t0 = Date.now();
  await assert.rejects(new OpenAIEmbedder({ baseURL: url, model: 'm', dimension: 8, batchSize: 1, concurrency: 4 }).embed(texts(8)), (e: EmbeddingError) => {
    assert.equal(e.code, 'unreachable');
    assert.equal(e.message, `cannot reach embeddings server at ${url}: ECONNREFUSED — is it running?`);
    return true;
  });
  assert.ok(Date.now() - t0 < 2000, 'refused connections are not retried');
});

test('openai: cancellation aborts in-flight requests and backoff waits', async () => {
  server.script('/v1/embeddings', [{ hang: true }, { hang: true }]);
  const ac = new AbortController();
  const p = mk({ batchSize: 1, concurrency: 2 }).embed(texts(4), { signal: ac.signal });
  setTimeout(() => ac.abort(), 100);
  await assert.rejects(p, { name: 'AbortError' });

  server.reset();
  server.script('/v1/embeddings', [{ status: 503, headers: { 'retry-after': '30' } }]);
  const ac2 = new AbortController();
  const t0 = Date.now();
  const p2 = mk({ maxRetries: 3 }).embed(texts(1), { signal: ac2.signal });
  setTimeout(() => ac2.abort(), 100);
  await assert.rejects(p2, { name: 'AbortError' });
  assert.ok(Date.now() - t0 < 5000);
});

test('openai: query/document prefixes, variant and `dimensions` parameter', async () => {
  const e = mk({ queryPrefix: 'search_query: ', documentPrefix: 'search_document: ', requestDimensions: true });
  await e.embed(['x'], { kind: 'query' });
  await e.embed(['y', '']);
  const inputs = server.requestsTo('/v1/embeddings').map((r) => (r.json as { input: string[] }).input);
  assert.deepEqual(inputs, [['search_query: x'], ['search_document: y', 'search_document:  ']]);
  assert.equal((server.requestsTo('/v1/embeddings')[0].json as { dimensions: number }).dimensions, 8);
  assert.match(e.variant ?? '', /^p[0-9a-f]{8}$/);
  assert.equal(mk().variant, undefined);
});
