import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Postings } from '../../../src/core/index/postings';

/** Deterministic PRNG (LCG). */
function lcg(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const FIELDS = 3;
const BOOST = [3, 1.5, 1];

function randomDoc(rand: () => number, vocab: string[]): string[][] {
  // Skewed term frequencies: a few terms in most documents (long lists that move), many in one or two.
  return Array.from({ length: FIELDS }, () => Array.from({ length: Math.floor(rand() * 10) }, () => vocab[Math.floor(rand() ** 3 * vocab.length)]));
}

function queries(vocab: string[]) {
  return [
    [{ term: vocab[0], weight: 1 }],
    [{ term: vocab[1], weight: 1 }, { term: vocab[50], weight: 0.5, fields: [0] }],
    vocab.slice(0, 30).map((term, i) => ({ term, weight: 1 + (i % 3) })),
    [{ term: vocab[299], weight: 1 }, { term: 'absent', weight: 1 }],
  ];
}

test('postings: after thousands of adds and removes, with lists moving in the arena and holes reclaimed, the index equals a fresh build', () => {
  const rand = lcg(7);
  const vocab = Array.from({ length: 300 }, (_, i) => `w${i}`);
  const inc = new Postings(FIELDS);
  const live = new Map<string, string[][]>(); // insertion order = document order after compaction
  for (let step = 0; step < 4000; step++) {
    const id = `c${Math.floor(rand() * 700)}`;
    if (inc.has(id)) {
      inc.remove(id);
      live.delete(id);
    }
    if (rand() < 0.8) {
      const doc = randomDoc(rand, vocab);
      inc.add(id, doc);
      live.set(id, doc);
    }
    if (step % 1500 === 1499) inc.compact();
  }
  inc.compact();
  const fresh = new Postings(FIELDS);
  for (const [id, doc] of live) fresh.add(id, doc);
  assert.equal(inc.size, live.size);
  for (const t of vocab) assert.deepEqual(inc.df(t), fresh.df(t), t);
  for (const q of queries(vocab)) assert.deepEqual(inc.search(q, 50, BOOST), fresh.search(q, 50, BOOST));
  const a = inc.image();
  const b = fresh.image();
  assert.deepEqual(a.docs, b.docs);
  const lists = (s: typeof a) => {
    const out = new Map<string, number[]>();
    for (let i = 0, at = 0; i < s.meta.length; at += s.meta[i + 2], i += 3) out.set(`${s.meta[i]}:${s.terms[s.meta[i + 1]]}`, [...s.postings.subarray(at, at + s.meta[i + 2])]);
    return out;
  };
  assert.deepEqual(lists(a), lists(b));
});

test('postings: a restored snapshot searches the same and keeps growing correctly', () => {
  const rand = lcg(99);
  // More terms than `add`'s first tf scratch holds (1024), so adds after the restore meet term ids past it.
  const vocab = Array.from({ length: 3000 }, (_, i) => `t${i}`);
  const first = new Postings(FIELDS);
  const docs: [string, string[][]][] = Array.from({ length: 400 }, (_, i) => [`d${i}`, randomDoc(rand, vocab)]);
  docs[0] = ['d0', [vocab.slice(0, 1500), [], vocab.slice(2000)]]; // every term has an id before the restore
  for (const [id, d] of docs.slice(0, 250)) first.add(id, d);
  const img = first.image();
  const restored = Postings.fromImage({ ...img, postings: img.postings.slice() }); // fromImage takes the postings as its own
  for (const q of queries(vocab.concat(Array(200).fill('t0')))) assert.deepEqual(restored.search(q, 20, BOOST), first.search(q, 20, BOOST));
  // Restored lists are packed (no spare room): every further add moves lists. The result must equal a fresh build.
  for (const [id, d] of docs.slice(250)) restored.add(id, d);
  const fresh = new Postings(FIELDS);
  for (const [id, d] of docs) fresh.add(id, d);
  const expectedDf = (t: string) => Array.from({ length: FIELDS }, (_, f) => docs.filter(([, d]) => d[f].includes(t)).length);
  for (const t of vocab) assert.deepEqual(fresh.df(t), expectedDf(t));
  for (const t of vocab) assert.deepEqual(restored.df(t), fresh.df(t));
  for (const q of queries(vocab.concat(Array(200).fill('t0')))) assert.deepEqual(restored.search(q, 40, BOOST), fresh.search(q, 40, BOOST));
});

test('postings: an image is written in list order whatever order the lists grew in, and one whose lists and postings disagree is refused', () => {
  const p = new Postings(FIELDS);
  p.add('a', [['x'], ['z'], []]);
  p.add('b', [['y', 'x'], [], ['x']]); // field 0's new list for y lands after field 1's z, and x's moves past both
  const img = p.image();
  assert.deepEqual([...img.meta], [0, 0, 2, 0, 2, 1, 1, 1, 1, 2, 0, 1]); // (field, term id, count): x = 0, z = 1, y = 2
  assert.deepEqual([...img.postings], [(0 << 8) | 1, (1 << 8) | 1, (1 << 8) | 1, (0 << 8) | 1, (1 << 8) | 1]);
  const own = (postings: Int32Array) => ({ ...img, postings });
  assert.deepEqual(Postings.fromImage(own(img.postings.slice())).df('x'), [2, 0, 1]);
  const swapped = Int32Array.from([...img.meta.subarray(3, 6), ...img.meta.subarray(0, 3), ...img.meta.subarray(6)]);
  assert.throws(() => Postings.fromImage({ ...own(img.postings.slice()), meta: swapped }), /out of order/);
  assert.throws(() => Postings.fromImage(own(img.postings.slice(1))), /does not fit/);
  assert.throws(() => Postings.fromImage(own(Int32Array.of(...img.postings, 7))), /belong to no list/);
});

test('postings: equal scores at the top-k boundary rank by id, whatever order the documents were added in', () => {
  const same = [['alpha'], [], []]; // identical documents score identically
  for (const order of [['d', 'b', 'a', 'c'], ['c', 'a', 'd', 'b'], ['a', 'b', 'c', 'd']]) {
    const p = new Postings(FIELDS);
    p.add('x', [['alpha', 'beta'], [], []]);
    p.remove('x'); // a dead document before them
    for (const id of order) p.add(id, same);
    assert.deepEqual(p.search([{ term: 'alpha', weight: 1 }], 2, BOOST).map((h) => h.id), ['a', 'b'], order.join(''));
  }
});
