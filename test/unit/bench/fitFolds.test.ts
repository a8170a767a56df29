import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repositoryFolds } from '../../../bench/fitLib';

test('fit folds: extra training rows train every fold but their own repository\'s and are never held out or measured', () => {
  const row = (id: string, repo: string, extra = false, evalOnly = false) => ({ id, repo, extra, evalOnly });
  const rows = [
    row('a1', 'dev/a'), row('a2', 'dev/a'), row('b1', 'dev/b'), row('q1', 'dev/c', false, true),
    row('t1', 'train/x', true), row('t2', 'train/y', true), row('ta', 'dev/a', true),
  ];
  const folds = repositoryFolds(rows, (r) => !r.extra, (r) => !r.evalOnly);
  const ids = (rs: { id: string }[]) => rs.map((r) => r.id).sort();
  assert.deepEqual(folds.map((f) => f.repo), ['dev/a', 'dev/b', 'dev/c'], 'only repositories with measured rows are held out');
  const [a, b, c] = folds;
  assert.deepEqual(ids(a.test), ['a1', 'a2']);
  assert.deepEqual(ids(a.train), ['b1', 't1', 't2'], 'the extra row of the held-out repository stays out of its fold');
  assert.deepEqual(ids(b.test), ['b1']);
  assert.deepEqual(ids(b.train), ['a1', 'a2', 't1', 't2', 'ta']);
  assert.deepEqual(ids(c.test), ['q1'], 'an eval-only row is measured');
  assert.ok(!folds.some((f) => f.train.some((r) => r.evalOnly)), 'and never trained on');
  assert.ok(!folds.some((f) => f.test.some((r) => r.extra)), 'extra rows are never measured');
});
