import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { segmentMatcher } from '../../../src/core/text/wildcard';
import { anchoredNegation, couldMatchBelow } from '../../../src/core/workspace/rules';

test('wildcard segments: *, ?, classes and ranges, escapes, case folding', () => {
  const m = (pattern: string, name: string, ignoreCase = false) => segmentMatcher(pattern, ignoreCase).test(name);
  assert.ok(m('*.ts', 'a.ts') && m('*.ts', '.ts') && !m('*.ts', 'a.tsx'));
  assert.ok(m('a?c', 'abc') && !m('a?c', 'ac'));
  assert.ok(m('[a-c]x', 'bx') && !m('[a-c]x', 'dx') && m('[!a-c]x', 'dx') && !m('[!a-c]x', 'ax'));
  assert.ok(m('\\*.js', '*.js') && !m('\\*.js', 'a.js'), 'an escaped star is a literal');
  assert.ok(m('[', '[') && m('a[b', 'a[b'), 'a bracket without its end is a literal');
  assert.ok(m('Keep*.JS', 'keep-me.js', true) && !m('Keep*.JS', 'keep-me.js'));
  assert.ok(m('*a*b*c', 'xaybzc') && !m('*a*b*c', 'xaybz'));
});

// Not a benchmark, a guard: as regular expressions these took 49 s (a glob) and 7.3 s (a .gitignore negation);
// the walk answers in well under a millisecond. The test yields between them, so the timeout fails a regression.
test('wildcard segments and .gitignore negations do not backtrack', { timeout: 3_000 }, async () => {
  assert.equal(segmentMatcher('*a*a*a*a*a*a*a*a*a*a*c').test(`${'a'.repeat(40)}.ts`), false);
  await tick();
  const neg = anchoredNegation('!a*a*a*a*a*a*a*a*a*a*c/keep.js', false)!;
  assert.equal(couldMatchBelow(neg, ['a'.repeat(40)]), false);
  assert.equal(couldMatchBelow(neg, [`${'a'.repeat(40)}c`]), true);
});
