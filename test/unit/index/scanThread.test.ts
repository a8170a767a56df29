import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { VectorSlab } from '../../../src/core/index/vectorSlab';
import { rng, unitVector } from './storeHelpers';

const DIM = 48;
const ROWS = 20_000; // five blocks of 4,096 rows

/** A slab whose scan thread starts at once, and the same vectors in one that never has one. */
function pair(seed: number): { threaded: VectorSlab; alone: VectorSlab; rand: () => number } {
  const rand = rng(seed);
  const threaded = new VectorSlab(DIM, { parallelMinRows: 0 });
  const alone = new VectorSlab(DIM, { parallel: false });
  for (let i = 0; i < ROWS; i++) {
    const v = unitVector(DIM, rand);
    threaded.add(`c${i}`, v);
    alone.add(`c${i}`, v);
  }
  return { threaded, alone, rand };
}

function assertSame(a: ReturnType<VectorSlab['searchWithScores']>, b: ReturnType<VectorSlab['searchWithScores']>, rows: number, what: string) {
  assert.deepEqual(a.hits, b.hits, what);
  for (let r = 0; r < rows; r += 7) assert.equal(a.scoreOf(r), b.scoreOf(r), `${what}: row ${r}`);
}

test('the scan thread scores blocks of a search, and the result is what one thread finds', async (t) => {
  const { threaded, alone, rand } = pair(11);
  t.after(() => threaded.dispose());
  assert.ok(threaded.usesSimd);
  // Begun, then collected after a pause: the thread has scored what it could meanwhile.
  for (let i = 0; i < 40 && threaded.scanThread.blocks === 0; i++) {
    const q = unitVector(DIM, rand);
    const pending = threaded.beginSearchWithScores(q, 30);
    await sleep(10);
    assertSame(pending.collect(), alone.searchWithScores(q, 30), ROWS, `query ${i}`);
  }
  assert.ok(threaded.scanThread.running, 'the thread started');
  assert.ok(threaded.scanThread.blocks > 0, 'and scored blocks');
  // Back to back, each caller claiming blocks too: the same results every time.
  for (let i = 0; i < 30; i++) {
    const q = unitVector(DIM, rand);
    assertSame(threaded.searchWithScores(q, 10), alone.searchWithScores(q, 10), ROWS, `back to back ${i}`);
    assert.deepEqual(threaded.search(q, 5, (id) => id.endsWith('3')), alone.search(q, 5, (id) => id.endsWith('3')));
  }
});

test('a change before collect is seen: adding past the capacity, removing, or beginning another search scans again', async (t) => {
  const { threaded, alone, rand } = pair(12);
  t.after(() => threaded.dispose());
  const q = unitVector(DIM, rand);
  // Adds that grow the slab (the scores move) while the scan is under way.
  let pending = threaded.beginSearchWithScores(q, 20);
  await sleep(5);
  for (let i = 0; i < 6000; i++) {
    const v = i % 1000 === 999 ? q : unitVector(DIM, rand); // six of them are the query itself: the best hits
    threaded.add(`n${i}`, v);
    alone.add(`n${i}`, v);
  }
  const grown = pending.collect();
  assertSame(grown, alone.searchWithScores(q, 20), ROWS + 6000, 'after the adds');
  assert.deepEqual(grown.hits.slice(0, 6).map((h) => h.id), ['n1999', 'n2999', 'n3999', 'n4999', 'n5999', 'n999'], 'the new rows are searched');
  // A removal of the best hit while the scan is under way.
  const best = grown.hits[0].id;
  const row = best.startsWith('n') ? ROWS + Number(best.slice(1)) : Number(best.slice(1));
  pending = threaded.beginSearchWithScores(q, 20);
  threaded.remove(row);
  alone.remove(row);
  const removed = pending.collect();
  assertSame(removed, alone.searchWithScores(q, 20), ROWS + 6000, 'after the removal');
  assert.ok(!removed.hits.some((h) => h.id === best), 'the removed row is no hit');
  // Two searches begun: each collects its own query.
  const q2 = unitVector(DIM, rand);
  const first = threaded.beginSearchWithScores(q, 15);
  const second = threaded.beginSearchWithScores(q2, 15);
  assertSame(first.collect(), alone.searchWithScores(q, 15), ROWS, 'the first of two');
  assertSame(second.collect(), alone.searchWithScores(q2, 15), ROWS, 'the second of two');
});

test('dispose stops the scan thread; the slab still searches, on the caller\'s thread', async () => {
  const { threaded, alone, rand } = pair(13);
  threaded.searchWithScores(unitVector(DIM, rand), 5);
  assert.ok(threaded.scanThread.running);
  threaded.dispose();
  assert.ok(!threaded.scanThread.running);
  await sleep(20);
  const q = unitVector(DIM, rand);
  assertSame(threaded.searchWithScores(q, 10), alone.searchWithScores(q, 10), ROWS, 'after dispose');
  assert.ok(!threaded.scanThread.running, 'not started again');
});
