import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_FEATURES, DEFAULT_WEIGHTS, compileModel, explain, explainVector, recordOf, score, scoreVector, validateWeights, type LinearModel } from '../../../src/core/search/model';
import { attributeTreesInto, compileTrees, scoreTrees, validateTrees, type CompiledTrees, type TreeEnsemble } from '../../../src/core/search/trees';

// Two trees over two features: nameExact ≤ 0.5 → left. The second tree splits on fileRR below its left child.
const ensemble = (): TreeEnsemble => ({
  features: ['nameExact', 'fileRR'],
  trees: [
    { f: [0, -1, -1], t: [0.5, 0, 0], l: [1, -1, -1], r: [2, -1, -1], v: [0.1, -0.2, 1] },
    { f: [1, 0, -1, -1, -1], t: [0.4, 0.5, 0, 0, 0], l: [1, 3, -1, -1, -1], r: [2, 4, -1, -1, -1], v: [0, -0.1, 0.3, -0.15, 0.2] },
  ],
});
const known = new Set<string>(CHUNK_FEATURES);

test('trees: each tree adds the value of the leaf the vector reaches (x ≤ threshold goes left)', () => {
  const c = compileTrees(ensemble(), ['fileRR', 'nameExact']); // a different order than the ensemble's own
  assert.equal(scoreTrees(c, [0.2, 0]), -0.2 + -0.15); // nameExact 0 → left; fileRR 0.2 ≤ 0.4 → left, then left
  assert.equal(scoreTrees(c, [0.2, 1]), 1 + 0.2);
  assert.equal(scoreTrees(c, [1, 1]), 1 + 0.3);
  assert.equal(scoreTrees(c, [0.4, 0.5]), -0.2 + -0.15, 'a value equal to the threshold goes left');
  assert.equal(scoreTrees(c, [9, 9, 0.2, 0], 2), -0.2 + -0.15, 'reads the vector from an offset');
  // A feature the vector lacks reads as 0, so the model still scores.
  assert.equal(scoreTrees(compileTrees(ensemble(), ['fileRR']), [1]), -0.2 + 0.3);
});

test('trees: scoring walks a padded complete tree; it reaches the stored walk\'s leaf, for ragged trees and the shipped ones', () => {
  // The stored form walked node by node: the reference.
  const walk = (e: TreeEnsemble, x: Record<string, number>) =>
    e.trees.reduce((s, t) => {
      let i = 0;
      while (t.f[i] >= 0) i = (x[e.features[t.f[i]]] ?? 0) <= t.t[i] ? t.l[i] : t.r[i];
      return s + t.v[i];
    }, 0);
  const ragged: TreeEnsemble = {
    features: ['lexS', 'vecCos', 'nope'],
    trees: [
      ...ensemble().trees.map((t) => ({ ...t, f: t.f.map((f) => (f < 0 ? -1 : f === 0 ? 0 : 1)) })),
      { f: [-1], t: [0], l: [-1], r: [-1], v: [0.25] }, // a lone leaf
      { f: [1, -1, 0, -1, 2, -1, -1], t: [0.5, 0, 0.2, 0, -1, 0, 0], l: [1, -1, 3, -1, 5, -1, -1], r: [2, -1, 4, -1, 6, -1, -1], v: [0, 1, 0, 2, 0, 3, 4] },
    ],
  };
  // A chain four splits deep: scored by the loop over levels, not the depth-3 form.
  const chain = { f: [0, -1, 1, -1, 2, -1, 0, -1, -1], t: [0, 0, 0.3, 0, -0.5, 0, 0.6, 0, 0], l: [1, -1, 3, -1, 5, -1, 7, -1, -1], r: [2, -1, 4, -1, 6, -1, 8, -1, -1], v: [0, 1, 0, 2, 0, 3, 0, 4, 5] };
  const deep: TreeEnsemble = { features: ragged.features, trees: [...ragged.trees, chain] };
  let seed = 3;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  for (const [e, names] of [[ragged, CHUNK_FEATURES], [deep, CHUNK_FEATURES], [DEFAULT_WEIGHTS.chunk.trees!, CHUNK_FEATURES], [DEFAULT_WEIGHTS.short!.chunk.trees!, CHUNK_FEATURES]] as const) {
    const c = compileTrees(e, names);
    // Every fourth vector sits on the thresholds: a value equal to one goes left.
    const cuts = new Map<string, number[]>();
    for (const t of e.trees) t.f.forEach((f, i) => f >= 0 && cuts.set(e.features[f], [...(cuts.get(e.features[f]) ?? []), t.t[i]]));
    const onCut = (n: string) => { const ts = cuts.get(n) ?? [0]; return ts[Math.floor(((rnd() + 1) / 2) * ts.length)]; };
    for (let trial = 0; trial < 400; trial++) {
      const x = Float64Array.from(names, (n) => (trial % 4 === 0 ? Math.round(rnd()) : trial % 4 === 1 ? onCut(n) : rnd()));
      assert.equal(scoreTrees(c, x), walk(e, recordOf(names, x)));
    }
  }
  assert.equal(compileTrees(ragged, CHUNK_FEATURES).depth, 3);
  assert.equal(compileTrees(deep, CHUNK_FEATURES).depth, 4);
  assert.equal(compileTrees(DEFAULT_WEIGHTS.chunk.trees!, CHUNK_FEATURES).depth, 3);
});

/** Each feature's share of the trees' output, by name, in the order the paths first split on each. */
function attributeTrees(c: CompiledTrees, x: ArrayLike<number>): Map<string, number> {
  const shares = new Float64Array(c.names.length);
  const order: number[] = [];
  attributeTreesInto(c, x, 0, shares, order);
  return new Map(order.map((f) => [c.names[f], shares[f]]));
}

test('trees: attribution credits each split feature with the change in node value, and sums to output less the roots', () => {
  const c = compileTrees(ensemble(), ['nameExact', 'fileRR']);
  for (const x of [[0, 0.2], [1, 0.2], [1, 1], [0, 1]]) {
    const a = attributeTrees(c, x);
    const total = [...a.values()].reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(total - (scoreTrees(c, x) - (0.1 + 0))) < 1e-12, `sums for ${x}`);
  }
  const a = attributeTrees(c, [1, 0.2]);
  assert.ok(Math.abs(a.get('nameExact')! - ((1 - 0.1) + (0.2 - -0.1))) < 1e-12);
  assert.ok(Math.abs(a.get('fileRR')! - (-0.1 - 0)) < 1e-12);
});

test('trees: a model with trees scores its vector bit-for-bit as score() scores the record, and explains through the trees', () => {
  const model: LinearModel = { bias: 0.5, weights: { lexS: 1, nameExact: 0 }, trees: ensemble() };
  const x = new Float64Array(CHUNK_FEATURES.length);
  x[CHUNK_FEATURES.indexOf('lexS')] = 0.3;
  x[CHUNK_FEATURES.indexOf('nameExact')] = 1;
  x[CHUNK_FEATURES.indexOf('fileRR')] = 0.2;
  const rec = recordOf(CHUNK_FEATURES, x);
  assert.equal(scoreVector(compileModel(model, CHUNK_FEATURES), x), score(model, rec));
  assert.equal(score(model, rec), 0.5 + 0.3 + 1 + 0.2);
  // nameExact has no linear weight; the trees alone make it the first reason.
  const e = explain(model, rec);
  assert.deepEqual(e.reasons, ['name matches', 'keyword match']);
  assert.ok(e.contributions.nameExact > 1 && e.contributions.fileRR < 0);
});

/** The contributions as `explain` listed them before it read vectors: a map of the linear terms, then the trees' shares added. */
function mapExplanation(model: LinearModel, f: Record<string, number>): [string, number][] {
  const by = new Map<string, number>();
  for (const k in model.weights) if (f[k]) by.set(k, model.weights[k] * f[k]);
  if (model.trees) {
    const shares = attributeTrees(compileTrees(model.trees, model.trees.features), model.trees.features.map((n) => f[n] ?? 0));
    for (const [k, c] of shares) by.set(k, (by.get(k) ?? 0) + c);
  }
  return [...by].sort((a, b) => b[1] - a[1]).map(([k, c]) => [k, Number(c.toFixed(4))]);
}

test('trees: explainVector reads a vector inside a buffer and says what explain says of its record, in the same order', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const models = [DEFAULT_WEIGHTS.chunk, DEFAULT_WEIGHTS.short!.chunk, { bias: 0.5, weights: { lexS: 1, nameExact: 0 }, trees: ensemble() }];
  const NF = CHUNK_FEATURES.length;
  let checked = 0;
  for (const model of models) {
    for (let trial = 0; trial < 200; trial++) {
      // Three vectors end to end, the middle one explained; a third of the features 0 (the trees still split on them).
      const buf = Float64Array.from({ length: 3 * NF }, () => (rnd() < 0.33 ? 0 : rnd() * 2 - 0.5));
      const rec = recordOf(CHUNK_FEATURES, buf.subarray(NF, 2 * NF));
      const expected = explain(model, rec);
      const got = explainVector(model, CHUNK_FEATURES, buf, NF);
      assert.deepEqual(got.reasons, expected.reasons);
      assert.deepEqual(Object.entries(got.contributions), Object.entries(expected.contributions), 'the same contributions, listed in the same order');
      assert.deepEqual(Object.entries(got.contributions), mapExplanation(model, rec), 'as the map of linear terms and tree shares lists them');
      assert.deepEqual(explainVector(model, CHUNK_FEATURES, buf, NF, false).contributions, {});
      if (got.reasons.length) checked++;
    }
  }
  assert.ok(checked > 300, `most vectors have reasons (${checked})`);
});

test('trees: malformed ensembles are refused with where and why', () => {
  const bad = (mutate: (e: TreeEnsemble) => void) => {
    const e = ensemble();
    mutate(e);
    return () => validateTrees(e, known, 'chunk');
  };
  validateTrees(ensemble(), known, 'chunk');
  assert.throws(bad((e) => (e.features[0] = 'nope')), /unknown feature "nope" in chunk.trees/);
  assert.throws(bad((e) => e.trees[0].v.pop()), /trees\[0\] needs equal-length/);
  assert.throws(bad((e) => (e.trees[1].l[1] = 0)), /trees\[1\] node 1 has a child out of order/);
  assert.throws(bad((e) => (e.trees[1].r[0] = 9)), /child out of order/);
  assert.throws(bad((e) => (e.trees[0].f[0] = 5)), /splits on no listed feature/);
  assert.throws(bad((e) => (e.trees[0].t[0] = Number.NaN)), /no finite threshold/);
  assert.throws(bad((e) => (e.trees[0].v[2] = Infinity)), /node 2 has no finite value/);
  const spine = Array.from({ length: 29 }, (_, i) => i % 2 === 0 && i < 28); // 14 splits, each with a leaf on its left
  const chain = { f: spine.map((x) => (x ? 0 : -1)), t: spine.map(() => 0), l: spine.map((x, i) => (x ? i + 1 : -1)), r: spine.map((x, i) => (x ? i + 2 : -1)), v: spine.map(() => 0) };
  assert.throws(bad((e) => e.trees.push(chain)), /trees\[2\] is deeper than 12 levels/);
  const w = { version: 1, file: { weights: {} }, chunk: { weights: {}, trees: { features: ['lexMax'], trees: [] } } };
  assert.throws(() => validateWeights(w), /unknown feature "lexMax" in chunk.trees/, 'a file feature is not a chunk feature');
});
