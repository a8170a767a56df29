import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abbreviationPartners, isAbbreviation } from '../../../src/core/text/abbreviations';

test('abbreviation: the same first letter and the short word\'s letters in order inside the long one', () => {
  assert.ok(isAbbreviation('cfg', 'configuration'));
  assert.ok(isAbbreviation('msg', 'message'));
  assert.ok(!isAbbreviation('gfc', 'configuration'), 'letters out of order');
  assert.ok(!isAbbreviation('fg', 'configuration'), 'another first letter');
  assert.ok(!isAbbreviation('message', 'message'), 'a word is no abbreviation of itself');
});

test('abbreviation partners come from the lexicon, both ways, and leave out synonyms that are not abbreviations', () => {
  assert.ok(abbreviationPartners('len').includes('length'));
  assert.ok(abbreviationPartners('length').includes('len'));
  assert.ok(abbreviationPartners('cfg').includes('configuration'));
  // `get`, `fetch` and `retrieve` are one synonym group, but none is written short for another.
  assert.ok(!abbreviationPartners('get').includes('fetch'));
  assert.ok(!abbreviationPartners('fetch').some((w) => w === 'get' || w === 'retrieve'));
  assert.deepEqual(abbreviationPartners('zebra'), []);
});
