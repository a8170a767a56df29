import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { BuiltinEmbedder, canonicalWord } from '../../../src/core/embed/builtin';
import { chunkEmbeddingText, dot, embedderDirName, embedderKey } from '../../../src/core/embed/embedder';
import type { Chunk } from '../../../src/core/types';
import { repoRoot } from '../../helpers/paths';

const e = new BuiltinEmbedder();
const sim = (a: string, b: string) => dot(e.embedOne(a), e.embedOne(b));

test('builtin: right dimension, L2-normalised, deterministic across instances', async () => {
  const texts = ['function parseConfig(path: string) { return JSON.parse(read(path)); }', 'render the widget tree', ''];
  const a = await e.embed(texts);
  const b = await new BuiltinEmbedder().embed(texts);
  assert.equal(a.length, 3);
  for (let i = 0; i < 2; i++) {
    assert.equal(a[i].length, 448);
    assert.ok(Math.abs(dot(a[i], a[i]) - 1) < 1e-5);
    assert.deepEqual(a[i], b[i]);
  }
  assert.ok(a[2].every((x) => x === 0), 'empty text embeds to the zero vector');
  assert.equal(new BuiltinEmbedder({ dimension: 256 }).embedOne('x y').length, 256);
  assert.equal(embedderKey(e), 'builtin:hash-v2+nbow-v2:448');
  assert.match(embedderDirName(e), /^builtin-hash-v2-nbow-v2-448-[0-9a-f]{8}$/);
});

test('builtin: identifier parts, abbreviations and stems meet natural language', () => {
  const pairs: [string, string, string][] = [
    ['parseConfig', 'parse the configuration', 'render the widget tree'],
    ['getUserById', 'fetch a user by their id', 'parse the configuration'],
    ['http_request_timeout', 'timeout for HTTP requests', 'render the widget tree'],
    ['initDbConn()', 'initialize the database connection', 'sort the results by date'],
    ['authenticateUser(req, res)', 'user authentication', 'compute the average'],
    ['class TokenizerOptions', 'options of the tokenizer', 'database migration'],
  ];
  for (const [code, near, far] of pairs) {
    const s1 = sim(code, near);
    const s2 = sim(code, far);
    assert.ok(s1 > s2 + 0.2, `${code}: "${near}" ${s1.toFixed(3)} should beat "${far}" ${s2.toFixed(3)}`);
  }
  assert.equal(canonicalWord('configuration'), 'config');
  assert.equal(canonicalWord('initialize'), 'init');
  assert.equal(canonicalWord('parsing'), canonicalWord('parse'));
});

test('builtin: sub-word similarity through character trigrams', () => {
  // neither word is in the synonym table; only trigrams relate them
  assert.ok(sim('serializer', 'serialisation') > sim('serializer', 'viewport'));
  assert.ok(sim('quaternionMultiply', 'multiply quaternions') > 0.5);
});

test('builtin: cancellation', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(e.embed(['a'], { signal: ac.signal }), { name: 'AbortError' });
});

test('chunkEmbeddingText: header then bounded text', () => {
  const chunk: Chunk = {
    id: 'x', path: 'src/config.ts', language: 'typescript', kind: 'function', name: 'parseConfig', qualifiedName: 'Loader.parseConfig',
    startLine: 1, endLine: 3, signature: 'parseConfig(p: string): Config', doc: 'Parses the config.', text: 'line\n'.repeat(5000), hash: 'h',
  };
  const t = chunkEmbeddingText(chunk);
  assert.ok(t.startsWith('src/config.ts\nLoader.parseConfig\nparseConfig(p: string): Config\nParses the config.\nline'));
  assert.ok(t.length <= 6000);
  assert.ok(chunkEmbeddingText(chunk, 200).length <= 200);
});

function codeChunks(): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.ts')) files.push(p);
    }
  };
  walk(path.join(repoRoot, 'node_modules', 'openai', 'src'));
  const chunks: string[] = [];
  let seed = 7;
  for (const f of files) {
    const lines = readFileSync(f, 'utf8').split('\n');
    for (let i = 0; i < lines.length; ) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const n = 40 + (seed % 111); // 40–150 lines
      const w = lines.slice(i, i + n);
      if (w.length >= 40) chunks.push(w.join('\n'));
      i += n;
    }
  }
  return chunks;
}

test('builtin: throughput on 40–150-line code chunks (reported, not asserted)', () => {
  const chunks = codeChunks();
  const emb = new BuiltinEmbedder();
  const run = () => {
    const t0 = process.hrtime.bigint();
    for (const c of chunks) emb.embedOne(c);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const cold = run();
  let warm = Infinity;
  for (let i = 0; i < 3; i++) warm = Math.min(warm, run());
  const avgLines = Math.round(chunks.reduce((s, c) => s + c.split('\n').length, 0) / chunks.length);
  console.log(`# builtin embedder: ${chunks.length} chunks (avg ${avgLines} lines): cold ${Math.round(chunks.length / cold)} chunks/s, warm ${Math.round(chunks.length / warm)} chunks/s (one thread)`);
  assert.ok(chunks.length > 100);
});
