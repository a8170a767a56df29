import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binCuts, fitTrees, type TreeGroup } from '../../../bench/gbdt';
import { compileTrees, scoreTrees, validateTrees } from '../../../src/core/search/trees';

// Synthetic queries a linear model cannot rank: the positive is the candidate whose `band` feature lies in the
// middle (0.4–0.6), among candidates on either side of it (0–0.38, 0.62–1). `noise` carries nothing.
function groups(count: number, seed: number): TreeGroup[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: count }, () => {
    const x = Array.from({ length: 40 }, () => [rnd() < 0.5 ? rnd() * 0.38 : 0.62 + rnd() * 0.38, rnd()]);
    const p = Math.floor(rnd() * x.length);
    x[p][0] = 0.4 + rnd() * 0.2;
    return { x, y: x.map((_, i) => (i === p ? 1 : 0)), init: x.map(() => 0) };
  });
}
const mrr = (gs: TreeGroup[], score: (x: ArrayLike<number>, g: TreeGroup, i: number) => number) =>
  gs.reduce((sum, g) => {
    const s = g.x.map((x, i) => score(x, g, i));
    const p = g.y.indexOf(1);
    return sum + 1 / (1 + s.filter((v, i) => v > s[p] || (v === s[p] && i < p)).length);
  }, 0) / gs.length;

test('gbdt: trees learn a ranking no linear score can express, and it holds on unseen queries', () => {
  const train = groups(300, 1);
  const test = groups(200, 2);
  const e = fitTrees(train, ['band', 'noise'], { rounds: 60, rate: 0.2 });
  validateTrees(e, new Set(['band', 'noise']), 'chunk');
  const c = compileTrees(e, ['band', 'noise']);
  const trees = mrr(test, (x) => scoreTrees(c, x));
  // The best a monotone score can do is to put one side of the band first: either way far below the trees.
  const up = mrr(test, (x) => x[0]);
  const down = mrr(test, (x) => -x[0]);
  assert.ok(trees > 0.9, `trees MRR ${trees}`);
  assert.ok(Math.max(up, down) < 0.5, `linear MRR ${up} / ${down}`);
  assert.ok(e.features.includes('band'));
});

test('gbdt: boosting starts from the given scores, and a fit is deterministic', () => {
  const train = groups(120, 3);
  // Scores that already rank every positive first leave the trees little to add; from zero they must do it all.
  const solved = train.map((g) => ({ ...g, init: g.y.map((y) => (y ? 10 : 0)) }));
  const spread = (gs: TreeGroup[]) => {
    const c = compileTrees(fitTrees(gs, ['band', 'noise'], { rounds: 10 }), ['band', 'noise']);
    return Math.max(...train.flatMap((g) => g.x.map((x) => Math.abs(scoreTrees(c, x)))));
  };
  const fromSolved = spread(solved);
  const fromZero = spread(train);
  assert.ok(fromSolved < fromZero / 5, `trees add up to ${fromSolved} to solved scores, ${fromZero} to zeros`);
  assert.deepEqual(fitTrees(train, ['band', 'noise'], { rounds: 5 }), fitTrees(train, ['band', 'noise'], { rounds: 5 }));
  // Queries with no positive (or nothing but positives) carry no ranking signal and are skipped, not divided by.
  // A positive scored so far below the rest that exp() underflows still pulls the trees its way, without a NaN.
  const buried = fitTrees([{ x: [[0.5, 0], [0.1, 0], [0.9, 0]], y: [1, 0, 0], init: [-2000, 0, 0] }], ['band', 'noise'], { rounds: 3, minLeaf: 1 });
  assert.ok(buried.trees.every((t) => t.v.every(Number.isFinite)), 'finite values');
  const cb = compileTrees(buried, ['band', 'noise']);
  assert.ok(scoreTrees(cb, [0.5, 0]) > scoreTrees(cb, [0.1, 0]), 'the positive gains on a negative');
  const e = fitTrees([...train, { x: [[0.5, 0]], y: [1], init: [0] }, { x: [[0.5, 0], [0.1, 0]], y: [0, 0], init: [0, 0] }], ['band', 'noise'], { rounds: 5 });
  assert.deepEqual(e, fitTrees(train, ['band', 'noise'], { rounds: 5 }));
});

test('gbdt: bins cut between distinct values, one per value when few, about equal counts when many', () => {
  assert.deepEqual(binCuts(Float64Array.from([0, 1, 1, 0, 3]), 255), [0.5, 2]);
  assert.deepEqual(binCuts(Float64Array.from([2, 2, 2]), 255), []);
  const many = Float64Array.from({ length: 1000 }, (_, i) => i);
  const cuts = binCuts(many, 10);
  assert.equal(cuts.length, 9);
  assert.deepEqual(cuts.slice(0, 2), [99.5, 199.5]);
  assert.throws(() => fitTrees([], ['a'], { bins: 300 }), /bins must be 2..256/);
});
