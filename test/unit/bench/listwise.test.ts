import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listwiseGradient, setPositives, type PositivesMode } from '../../../bench/fitLib';
import { seededRandom } from '../../../src/core/finetune/sample';

// The fit's per-query loss and its gradient: a finite-difference check of both ways of counting several positives.
const logSumExp = (xs: number[]) => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((a, x) => a + Math.exp(x - m), 0));
};
function loss(mode: PositivesMode, s: number[], y: number[]): number {
  const pos = s.filter((_, i) => y[i] > 0);
  const all = logSumExp(s);
  return mode === 'any' ? all - logSumExp(pos) : pos.reduce((a, x) => a + all - x, 0) / pos.length;
}

for (const mode of ['any', 'every'] as const) {
  test(`listwiseGradient (${mode} positive): matches the loss's finite differences`, (t) => {
    setPositives(mode);
    t.after(() => setPositives('any'));
    const rand = seededRandom(7);
    for (let trial = 0; trial < 20; trial++) {
      const n = 3 + Math.floor(rand() * 10);
      const s = Array.from({ length: n }, () => rand() * 6 - 3);
      const y = s.map((_, i) => (i === 0 || rand() < 0.3 ? 1 : 0));
      const g = new Float64Array(n);
      listwiseGradient(s, y, 0, n, g);
      for (let i = 0; i < n; i++) {
        const h = 1e-6;
        const up = [...s];
        const down = [...s];
        up[i] += h;
        down[i] -= h;
        const numeric = (loss(mode, up, y) - loss(mode, down, y)) / (2 * h);
        assert.ok(Math.abs(numeric - g[i]) < 1e-5, `trial ${trial}, candidate ${i}: ${g[i]} against ${numeric}`);
      }
    }
  });
}

test('listwiseGradient: with one positive, any and every are the same loss', () => {
  const s = [0.5, 2, -1, 0.3];
  const y = [0, 1, 0, 0];
  const got = (mode: PositivesMode) => {
    setPositives(mode);
    const g = new Float64Array(s.length);
    listwiseGradient(s, y, 0, s.length, g);
    return [...g];
  };
  const any = got('any');
  const every = got('every');
  setPositives('any');
  any.forEach((v, i) => assert.ok(Math.abs(v - every[i]) < 1e-12));
});
