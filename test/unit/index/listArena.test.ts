import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListArena } from '../../../src/core/index/listArena';

// ListArena (src/core/index/listArena.ts): many sorted lists in one array, checked against plain arrays.

const listOf = (a: ListArena, id: number) => [...a.numbers.subarray(a.offset(id), a.offset(id) + a.length(id))];

test('listArena: random sorted inserts, removals and appends over many lists read back as plain sorted arrays do', () => {
  let seed = 11;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const a = new ListArena();
  const want: number[][] = Array.from({ length: 300 }, () => []);
  for (let step = 0; step < 40_000; step++) {
    const id = Math.floor(rand() ** 2 * want.length); // a few long lists, many short ones: lists move and holes pile up
    const list = want[id];
    if (list.length && rand() < 0.45) {
      const at = Math.floor(rand() * list.length);
      assert.equal(a.lowerBound(id, list[at]), list.indexOf(list[at]));
      a.removeAt(id, a.lowerBound(id, list[at]));
      list.splice(list.indexOf(list[at]), 1);
    } else {
      const v = Math.floor(rand() * 1e6) * 2 ** 20 + 1; // bm25.ts's packed postings are past int32
      const at = a.insertSorted(id, v);
      let i = 0;
      while (i < list.length && list[i] < v) i++;
      list.splice(i, 0, v);
      assert.equal(at, i);
    }
  }
  want.forEach((list, id) => assert.deepEqual(listOf(a, id), list, `list ${id}`));
  assert.ok(a.numbers.length < 4 * want.reduce((s, l) => s + l.length, 0) + 4096, 'holes are reclaimed, the arena stays near its content');
  a.push(want.length + 500, 7); // a list id past the ids seen so far
  assert.deepEqual(listOf(a, want.length + 500), [7]);
  assert.equal(a.length(10_000), 0);
  a.clear();
  assert.deepEqual(listOf(a, 0), []);
});
