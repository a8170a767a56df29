import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TopK } from '../../../src/core/index/topK';

test('TopK keeps exactly the k best of a stream, whatever order they come in, with ties decided by `less` alone', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 200; round++) {
    const n = Math.floor(rand() * 300);
    const k = Math.floor(rand() * 40);
    // Few distinct scores, so ties at the boundary are common; the tie-break is the item number (higher ranks lower).
    const score = Array.from({ length: n }, () => Math.floor(rand() * 12));
    const less = (a: number, b: number) => score[a] < score[b] || (score[a] === score[b] && a > b);
    const top = new TopK(k, less);
    const order = [...Array(n).keys()].sort(() => rand() - 0.5);
    for (const i of order) top.offer(i);
    const byRank = (a: number, b: number) => (less(a, b) ? 1 : less(b, a) ? -1 : 0);
    const expected = [...Array(n).keys()].sort(byRank).slice(0, Math.max(0, k));
    assert.deepEqual([...top.heap].sort(byRank), expected, `n=${n} k=${k}`);
  }
});
