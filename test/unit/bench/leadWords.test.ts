import { test } from 'node:test';
import assert from 'node:assert/strict';
import { associations, leadPair } from '../../../bench/leadWords';

// bench/leadWords.ts: which first words of doc sentences go with which first parts of names (the leadAssoc table).

test('a documented function gives its sentence\'s first content word and its name\'s first part, both as stems', () => {
  assert.deepEqual(leadPair('Returns the number of items.\n\nMore text.', 'get_count'), ['return', 'get']);
  // Go: the name leads the sentence and is masked away; "the" is no content word.
  assert.deepEqual(leadPair('NewStore creates the store for a path.', 'NewStore'), ['creat', 'new']);
  // Too short once masked, or a name whose first part is no word: nothing.
  assert.equal(leadPair('Close it.', 'close'), undefined);
  assert.equal(leadPair('Computes the checksum of a block.', '_2fast'), undefined);
});

test('the table keeps pairs seen in enough repositories, above chance, and caps what one repository adds', () => {
  const byRepo: Record<string, Record<string, Record<string, number>>> = {};
  // Five repositories: "removes" with `clear` and `remov`; "sets" with `set`, and once with `clear`.
  for (let r = 0; r < 5; r++) byRepo[`r${r}`] = { remov: { clear: 6, remov: 4 }, set: { set: 20, clear: 1 } };
  // One repository documents 500 functions `build…` with "Removes …", and 60 with "Builds …".
  byRepo.one = { remov: { build: 500 }, build: { build: 60 } };
  // Parts that are some JavaScript object's keys (`constructor`) are words like any other.
  for (let r = 0; r < 5; r++) byRepo[`c${r}`] = { creat: { constructor: 9 } };
  const t = associations(byRepo, 40, 4, 20);
  // Counts after the cap of 20 per repository: remov {clear 30, remov 20, build 20}, set {set 100, clear 5},
  // build {build 20}, creat {constructor 45}; 240 in all; `clear` 35 times.
  const pmi = (k: number, n: number, part: number) => Math.round(Math.log((k / n) / (part / 240)) * 100) / 100;
  assert.deepEqual(t.remov, { clear: pmi(30, 70, 35), remov: pmi(20, 70, 20) });
  // `build` after "removes" is one repository's habit: left out; so is "builds", seen 20 times after the cap (< 40).
  assert.equal(t.build, undefined);
  // `clear` after "sets" is in five repositories, but less often than chance (5/105 against 35/240): left out.
  assert.deepEqual(t.set, { set: pmi(100, 105, 100) });
  assert.deepEqual(Object.keys(t.creat), ['constructor']);
  assert.equal(Object.getPrototypeOf(t.creat), Object.prototype);
  assert.ok(Object.entries(t.creat)[0][1] > 0);
});
