import { test } from 'node:test';
import assert from 'node:assert/strict';
import { int8Scale, VectorSlab } from '../../../src/core/index/vectorSlab';
import { rng, unitVector } from './storeHelpers';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

test('int8Scale is the smallest power of two that maps the largest element into ±127', () => {
  for (const m of [1, 0.3, 0.0123, 127, 128, 5e-7, 3e5]) {
    const s = int8Scale(m);
    assert.equal(Math.log2(s), Math.round(Math.log2(s)), `${m}: a power of two`);
    assert.ok(m / s <= 127 && m / (s / 2) > 127, `${m}: smallest such scale`);
  }
  assert.equal(int8Scale(0), 0);
  assert.throws(() => new VectorSlab(70_000), /bad dimension/, 'too wide for exact i32 sums');
});

test('quantizing is idempotent: a stored vector added again gives the same bits', () => {
  const rand = rng(3);
  const slab = new VectorSlab(50);
  for (let i = 0; i < 200; i++) {
    const v = unitVector(50, rand).map((x, j) => (j === i % 50 ? x * 40 : x)); // varied magnitudes
    const once = slab.get(slab.add(`a${i}`, v));
    const twice = slab.get(slab.add(`b${i}`, once));
    assert.deepEqual(twice, once);
    v.forEach((x, j) => assert.ok(Math.abs(x - once[j]) <= Math.max(...v.map(Math.abs)) / 127));
  }
  assert.throws(() => slab.add('nan', new Float32Array(50).fill(Number.NaN)), /non-finite/);
});

test('the Wasm SIMD kernel and the JS loop give identical scores, at small and large dimensions', () => {
  for (const dim of [7, 24, 384, 3072]) {
    const rand = rng(dim);
    const simd = new VectorSlab(dim);
    const js = new VectorSlab(dim, { simd: false });
    assert.ok(simd.usesSimd, 'Node 20 has Wasm SIMD');
    assert.ok(!js.usesSimd);
    const vs = Array.from({ length: 5000 }, () => unitVector(dim, rand));
    vs.forEach((v, i) => {
      simd.add(`c${i}`, v);
      js.add(`c${i}`, v);
    });
    for (let r = 0; r < 40; r += 7) {
      simd.remove(r);
      js.remove(r);
    }
    const q = unitVector(dim, rand);
    const a = simd.searchWithScores(q, 25);
    const b = js.searchWithScores(q, 25);
    assert.deepEqual(a.hits, b.hits);
    for (let r = 0; r < vs.length; r++) {
      assert.equal(a.scoreOf(r), b.scoreOf(r));
      // Close to the float dot product with the stored vector (no i32 overflow even at 3072 dimensions).
      assert.ok(Math.abs(a.scoreOf(r) - dot(q, simd.get(r))) < 2e-4, `dim ${dim} row ${r}`);
    }
    assert.ok(a.hits.every((h) => !['c0', 'c7', 'c14'].includes(h.id)), 'removed rows are never hits');
  }
});

test('kept scores stay right after another scan: an earlier call\'s scores are recomputed the same way, not overwritten ones', () => {
  const rand = rng(5);
  const slab = new VectorSlab(32);
  for (let i = 0; i < 300; i++) slab.add(`c${i}`, unitVector(32, rand));
  const q1 = unitVector(32, rand);
  const q2 = unitVector(32, rand);
  const first = slab.searchWithScores(q1, 5);
  const before = Array.from({ length: 300 }, (_, r) => first.scoreOf(r));
  const second = slab.searchWithScores(q2, 5);
  for (let r = 0; r < 300; r++) {
    // Bit for bit: a query's scores do not depend on whether another query ran meanwhile.
    assert.equal(first.scoreOf(r), before[r], 'the first query\'s scores, not the second\'s');
    assert.ok(Math.abs(second.scoreOf(r) - dot(q2, slab.get(r))) < 2e-4);
  }
});

test('equal scores rank by id, whatever rows the vectors landed in', () => {
  const rand = rng(9);
  const v = unitVector(16, rand);
  const q = unitVector(16, rand);
  const orders = [['d', 'b', 'a', 'c'], ['c', 'a', 'd', 'b'], ['a', 'b', 'c', 'd']];
  for (const order of orders) {
    const slab = new VectorSlab(16);
    slab.add('x', unitVector(16, rand));
    slab.remove(0); // the first equal vector reuses a freed row
    for (const id of order) slab.add(id, v);
    assert.deepEqual(slab.search(q, 3).map((h) => h.id), ['a', 'b', 'c'], order.join(''));
    assert.deepEqual(slab.search(q, 10).map((h) => h.id), ['a', 'b', 'c', 'd']);
  }
});
