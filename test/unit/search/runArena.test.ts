import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunArena } from '../../../src/core/search/runArena';

// RunArena (src/core/search/runArena.ts): runs of numbers kept once per object, end to end in one array.

const runOf = (arena: RunArena<object>, key: object, make: (k: object) => number[]) => {
  const at = arena.offset(key, make);
  const all = arena.numbers;
  return [...all.subarray(at + 1, at + 1 + all[at])];
};

test('runArena: each object\'s run is made once and read back intact as the array grows', () => {
  const arena = new RunArena<object>(1 << 20);
  const keys = Array.from({ length: 3000 }, () => ({}));
  const make = (i: number) => Array.from({ length: i % 7 }, (_, j) => i * 10 + j);
  keys.forEach((k, i) => runOf(arena, k, () => make(i)));
  assert.equal(arena.made, 3000);
  assert.ok(arena.numbers.length > 1 << 12, 'it grew past its first array');
  keys.forEach((k, i) => assert.deepEqual(runOf(arena, k, () => assert.fail('made again')), make(i)));
  assert.equal(arena.made, 3000);
  assert.deepEqual(runOf(arena, {}, () => []), [], 'an empty run');
});

test('runArena: past its limit it starts over, but never while priming; after priming the limit is twice what it holds', async () => {
  const arena = new RunArena<object>(100);
  const keys = Array.from({ length: 40 }, () => ({}));
  const ten = () => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  await arena.prime(keys, ten, 7); // 440 numbers, over the floor of 100, in slices of 7
  assert.equal(arena.size, 440);
  for (let i = 0; i < 40; i++) arena.offset({}, ten); // stale runs pile up to twice the primed 440 …
  assert.equal(arena.size, 880);
  const made = arena.made;
  arena.offset({}, ten); // … and the next one starts the array over
  assert.equal(arena.size, 11);
  assert.deepEqual(runOf(arena, keys[0], ten), ten(), 'a primed object is worked out again when next asked for');
  assert.equal(arena.made, made + 2);
});

test('runArena: overlapping primings hold the limit off until the last one ends; clear forgets every run', () => {
  const arena = new RunArena<object>(10);
  const five = () => [1, 2, 3, 4, 5];
  arena.startPriming();
  arena.startPriming();
  arena.offset({}, five);
  arena.endPriming(); // the other priming goes on
  for (let i = 0; i < 5; i++) arena.offset({}, five);
  assert.equal(arena.size, 36, 'no start-over while a priming runs');
  arena.endPriming();
  const key = {};
  arena.offset(key, five);
  assert.equal(arena.size, 42, 'limit now twice the 36 primed');
  arena.clear();
  assert.equal(arena.size, 0);
  const made = arena.made;
  arena.offset(key, five);
  assert.equal(arena.made, made + 1, 'worked out again after clear');
});
