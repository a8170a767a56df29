import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_FEATURES, compileModel, explain, recordOf, score, scoreVector, validateWeights, type LinearModel } from '../../../src/core/search/model';
import { attributeTrees, compileTrees, scoreTrees, validateTrees, type TreeEnsemble } from '../../../src/core/search/trees';

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
  const w = { version: 1, file: { weights: {} }, chunk: { weights: {}, trees: { features: ['lexMax'], trees: [] } } };
  assert.throws(() => validateWeights(w), /unknown feature "lexMax" in chunk.trees/, 'a file feature is not a chunk feature');
});
