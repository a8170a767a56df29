import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { createRetriever } from '../../../src/core/search/retriever';
import { warmUpRetriever, warmUpTexts } from '../../../src/core/search/warmUp';
import { indexedWorkspace, makeWorkspace } from '../../helpers/workspace';
import { FIXTURE_FILES } from './fixtureRepo';

// The warm-up the extension runs once an index is ready: queries made from the index's own chunks.

let idx: WorkspaceIndex;

before(async () => {
  idx = await indexedWorkspace(makeWorkspace(FIXTURE_FILES), 'warm-idx');
});
after(async () => {
  await idx.close();
});

test('warm-up texts: the three query shapes, from the index\'s own chunks, the same for the same index', () => {
  const store = idx.indexer.store;
  const texts = warmUpTexts(store, 6);
  assert.deepEqual(warmUpTexts(store, 6), texts);
  assert.ok(texts.length >= 3 && texts.length <= 6, `${texts.length} texts`);
  const names = new Set([...store.chunks()].map((c) => c.name));
  assert.ok(names.has(texts[1]), `the second is a bare name: ${texts[1]}`);
  // The third joins chunks' source: longer than any one chunk of this small repository's would be alone.
  const longest = Math.max(...[...store.chunks()].map((c) => c.text.length));
  assert.ok(texts[2].length > longest, 'the third joins several chunks');
  assert.deepEqual(warmUpTexts(store, 0), []);
});

test('warm-up runs its queries, stops when aborted, and leaves every result as it was', async () => {
  const r = createRetriever(idx);
  const asks = ['where is the tax computed', 'QuerySet.bulk_create', 'Cart total is wrong after a discount\n\nTraceback (most recent call last):\n  File "shop/cart.py", line 22, in total'];
  const before = await Promise.all(asks.map((q) => r.retrieve(q, { k: 10 })));
  const done = await warmUpRetriever(r, idx.indexer.store, { queries: 6 });
  assert.equal(done.queries, warmUpTexts(idx.indexer.store, 6).length);
  for (const [i, q] of asks.entries()) {
    const after = await r.retrieve(q, { k: 10 });
    assert.deepEqual(after.chunks.map((h) => [h.chunk.id, h.score, h.reasons]), before[i].chunks.map((h) => [h.chunk.id, h.score, h.reasons]), q);
  }
  const stop = new AbortController();
  stop.abort();
  assert.equal((await warmUpRetriever(r, idx.indexer.store, { signal: stop.signal })).queries, 0);
  // Out of time (a very large index): no query starts once the budget is spent.
  assert.equal((await warmUpRetriever(r, idx.indexer.store, { queries: 6, budgetMs: 0 })).queries, 0);
});
