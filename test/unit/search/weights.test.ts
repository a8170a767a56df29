import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_FEATURES, DEFAULT_WEIGHTS, FILE_FEATURES, compileModel, explain, recordOf, score, scoreVector, validateWeights } from '../../../src/core/search/model';

test('the shipped weights load and every feature they name is computed', () => {
  validateWeights(DEFAULT_WEIGHTS);
  for (const n of Object.keys(DEFAULT_WEIGHTS.file.weights)) assert.ok((FILE_FEATURES as readonly string[]).includes(n), n);
  for (const n of Object.keys(DEFAULT_WEIGHTS.chunk.weights)) assert.ok((CHUNK_FEATURES as readonly string[]).includes(n), n);
  assert.ok(Object.keys(DEFAULT_WEIGHTS.file.weights).length >= 10);
});

test('unknown features and non-numbers are rejected', () => {
  assert.throws(() => validateWeights({ version: 1, file: { weights: { nope: 1 } }, chunk: { weights: {} } }), /unknown file feature "nope"/);
  assert.throws(() => validateWeights({ version: 1, file: { weights: {} }, chunk: { weights: { lexS: Number.NaN } } }), /not a number/);
  const ok = { version: 1, file: { weights: {} }, chunk: { weights: {} } };
  assert.throws(() => validateWeights({ ...ok, question: { file: { weights: {} } } as never }), /question needs file and chunk models/);
  assert.throws(() => validateWeights({ ...ok, question: { file: { weights: {} }, chunk: { weights: { nope: 1 } } } }), /unknown chunk feature "nope"/);
});

test('scoring is a pure weighted sum; explanations list the largest positive contributions', () => {
  const model = { bias: 1, weights: { lexMax: 2, isTest: -3, symDef: 1 } };
  assert.equal(score(model, { lexMax: 0.5, isTest: 1, symDef: 2 }), 1 + 1 - 3 + 2);
  const e = explain(model, { lexMax: 0.5, isTest: 1, symDef: 2 });
  assert.deepEqual(e.reasons, ['defines a mentioned symbol', 'keyword match']);
  assert.equal(e.contributions.isTest, -3);
});

test('every feature that can be a reason reads as a phrase, never as its feature name; priors are never reasons', () => {
  const priors = new Set(['isFunc', 'isClass', 'isBlock', 'lenLog', 'sizeLog', 'isInit', 'isTest', 'isDoc', 'isExample', 'nonCode', 'fileTop']);
  for (const f of new Set<string>([...FILE_FEATURES, ...CHUNK_FEATURES])) {
    const { reasons } = explain({ weights: { [f]: 1 } }, { [f]: 1 });
    if (priors.has(f)) assert.deepEqual(reasons, [], f);
    else {
      assert.equal(reasons.length, 1, f);
      assert.notEqual(reasons[0], f, `${f} has no phrase`);
      assert.match(reasons[0], /^[a-z][a-z' ]+$/, f);
    }
  }
});

test('a compiled model scores a feature vector exactly as score() scores the record (same terms, same order)', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 4 - 2;
  for (const model of [DEFAULT_WEIGHTS.chunk, DEFAULT_WEIGHTS.short!.chunk]) {
    const m = compileModel(model, CHUNK_FEATURES);
    assert.equal(compileModel(model, CHUNK_FEATURES), m, 'compiled once per model and feature order');
    const buf = new Float64Array(3 * CHUNK_FEATURES.length);
    for (let trial = 0; trial < 200; trial++) {
      for (let i = 0; i < buf.length; i++) buf[i] = trial % 3 === 0 && i % 2 ? 0 : rnd(); // some zeros, like real features
      for (let k = 0; k < 3; k++) {
        const at = k * CHUNK_FEATURES.length;
        const rec = recordOf(CHUNK_FEATURES, buf.subarray(at, at + CHUNK_FEATURES.length));
        assert.equal(scoreVector(m, buf, at), score(model, rec)); // bit-for-bit: rankings cannot move
      }
    }
  }
  // Weight order differs from feature order, and a weight names a feature the vector lacks: skipped, as score() does.
  const odd = { bias: 0.5, weights: { fileTop: 3, lexS: 1e-17, vecCos: 1 } };
  const x = new Float64Array(CHUNK_FEATURES.length);
  x[CHUNK_FEATURES.indexOf('lexS')] = 1;
  x[CHUNK_FEATURES.indexOf('vecCos')] = 1;
  assert.equal(scoreVector(compileModel(odd, CHUNK_FEATURES), x), score(odd, recordOf(CHUNK_FEATURES, x)));
  assert.equal(scoreVector(compileModel(odd, ['vecCos']), [2]), 0.5 + 2);
});
