import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_FEATURES, DEFAULT_WEIGHTS, FILE_FEATURES, explain, score, validateWeights } from '../../../src/core/search/model';

test('the shipped weights load and every feature they name is computed', () => {
  validateWeights(DEFAULT_WEIGHTS);
  for (const n of Object.keys(DEFAULT_WEIGHTS.file.weights)) assert.ok((FILE_FEATURES as readonly string[]).includes(n), n);
  for (const n of Object.keys(DEFAULT_WEIGHTS.chunk.weights)) assert.ok((CHUNK_FEATURES as readonly string[]).includes(n), n);
  assert.ok(Object.keys(DEFAULT_WEIGHTS.file.weights).length >= 10);
});

test('unknown features and non-numbers are rejected', () => {
  assert.throws(() => validateWeights({ version: 1, file: { weights: { nope: 1 } }, chunk: { weights: {} } }), /unknown file feature "nope"/);
  assert.throws(() => validateWeights({ version: 1, file: { weights: {} }, chunk: { weights: { lexS: Number.NaN } } }), /not a number/);
});

test('scoring is a pure weighted sum; explanations list the largest positive contributions', () => {
  const model = { bias: 1, weights: { lexMax: 2, isTest: -3, symDef: 1 } };
  assert.equal(score(model, { lexMax: 0.5, isTest: 1, symDef: 2 }), 1 + 1 - 3 + 2);
  const e = explain(model, { lexMax: 0.5, isTest: 1, symDef: 2 });
  assert.deepEqual(e.reasons, ['defines a mentioned symbol', 'keyword match']);
  assert.equal(e.contributions.isTest, -3);
});
