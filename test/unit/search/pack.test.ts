import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Chunk } from '../../../src/core/types';
import { contextPack, estimateTokens, renderPack, verbatimLines } from '../../../src/core/search/pack';

function chunk(path: string, start: number, end: number, extra: Partial<Chunk> = {}): { chunk: Chunk } {
  const text = Array.from({ length: end - start + 1 }, (_, i) => `line ${start + i} of ${path}`).join('\n');
  return { chunk: { id: `${path}:${start}`, path, language: 'python', kind: 'function', name: 'f', qualifiedName: 'f', startLine: start, endLine: end, signature: '', doc: '', text, hash: '', ...extra } };
}

test('overlapping and adjacent chunks of a file merge into one section; no line twice; line numbers kept', () => {
  const pack = contextPack([chunk('a.py', 10, 20), chunk('a.py', 15, 25), chunk('a.py', 26, 30), chunk('b.py', 1, 3), chunk('a.py', 12, 14)], 10_000);
  assert.deepEqual(pack.sections.map((s) => [s.path, s.startLine, s.endLine]), [['a.py', 10, 30], ['b.py', 1, 3]]);
  const a = pack.sections[0].text.split('\n');
  assert.equal(a.length, 21);
  assert.equal(a[0], 'line 10 of a.py');
  assert.equal(a[20], 'line 30 of a.py');
  assert.equal(pack.dropped, 1, 'the chunk inside already-packed lines adds nothing');
  assert.deepEqual(pack.sections[0].from, [0, 1, 2]);
  assert.match(renderPack(pack), /^a\.py:10-30\n```\nline 10 of a\.py/);
});

test('the budget is respected: hits that do not fit are skipped, smaller later ones still get in', () => {
  const hits = [chunk('a.py', 1, 10), chunk('big.py', 1, 400), chunk('c.py', 5, 6)];
  const budget = 120;
  const pack = contextPack(hits, budget);
  assert.ok(pack.tokens <= budget, `${pack.tokens} > ${budget}`);
  assert.deepEqual(pack.sections.map((s) => s.path), ['a.py', 'c.py']);
  assert.equal(pack.dropped, 1);
  const total = pack.sections.reduce((n, s) => n + estimateTokens(s.text), 0);
  assert.ok(total <= pack.tokens);
  assert.equal(contextPack(hits, 5).sections.length, 0);
});

test('class summaries keep their verbatim head; split parts map their tail lines', () => {
  const summary = { ...chunk('k.py', 1, 20).chunk, text: 'class K:\n    """Doc."""\n    x = 1\n\n    def m(self):\n        …', kind: 'class' as const };
  assert.deepEqual(verbatimLines(summary), { start: 1, lines: ['class K:', '    """Doc."""', '    x = 1', '', '    def m(self):'] });
  const part = { ...chunk('k.py', 30, 32).chunk, text: 'def big():\n    …\n    a\n    b\n    c' };
  assert.deepEqual(verbatimLines(part), { start: 30, lines: ['    a', '    b', '    c'] });
});
