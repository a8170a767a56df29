import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { rateTurn, TraceStore } from '../../../src/core/assistant/trace';
import type { TraceRecord } from '../../../src/core/assistant/types';
import { tempDir } from '../../helpers/workspace';

function record(id: string, over: Partial<TraceRecord> = {}): TraceRecord {
  return {
    type: 'turn', v: 1, id, timestamp: new Date(0).toISOString(), question: `q ${id}`, model: 'm', retrieval: [], messages: [{ role: 'user', content: 'line1\nline2' }],
    toolCalls: [], answer: 'a [x.ts:1]', citations: [], groundedness: 0, rounds: 0, repaired: false, latencyMs: 1,
    usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3, requests: 1 }, redactions: 0, rating: null, ...over,
  };
}

test('trace: append, read back, rate (latest wins), unknown id', async () => {
  const dir = tempDir('trace');
  const store = new TraceStore(dir);
  assert.deepEqual(await store.read(), { records: [], skipped: 0 });
  await Promise.all([store.append(record('a')), store.append(record('b'))]);
  assert.deepEqual((await store.read()).records.map((r) => r.id), ['a', 'b']);
  assert.equal(await store.rateTurn('a', 'up'), true);
  assert.equal(await rateTurn(dir, 'a', 'down'), true);
  assert.equal(await store.rateTurn('zzz', 'up'), false);
  const { records, skipped } = await store.read();
  assert.equal(skipped, 0);
  assert.equal(records.find((r) => r.id === 'a')!.rating, 'down');
  assert.equal(records.find((r) => r.id === 'b')!.rating, null);
  assert.deepEqual(records[0].messages, [{ role: 'user', content: 'line1\nline2' }]);
  // Append-only: ratings are separate lines.
  const lines = readFileSync(store.file, 'utf8').trim().split('\n');
  assert.equal(lines.length, 4);
  assert.deepEqual(lines.map((l) => JSON.parse(l).type), ['turn', 'turn', 'rating', 'rating']);
});

test('trace: a torn last line is skipped, and the next append starts a fresh line', async () => {
  const store = new TraceStore(tempDir('trace'));
  await store.append(record('a'));
  appendFileSync(store.file, JSON.stringify(record('torn')).slice(0, 40)); // crash mid-write
  let r = await store.read();
  assert.deepEqual(r.records.map((x) => x.id), ['a']);
  assert.equal(r.skipped, 1);
  await store.append(record('c'));
  assert.equal(await store.rateTurn('c', 'up'), true);
  r = await store.read();
  assert.deepEqual(r.records.map((x) => [x.id, x.rating]), [['a', null], ['c', 'up']]);
  assert.equal(r.skipped, 1);
});
