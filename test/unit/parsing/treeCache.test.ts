import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createChunker } from '../../../src/core/parsing/chunker';
import { editBetween } from '../../../src/core/parsing/treeCache';
import { seededRandom } from '../../../src/core/finetune/sample';
import { fixtureFiles, languagesDir } from './helpers';

test('editBetween: one replaced range, positions in lines and UTF-16 columns, surrogate pairs kept whole', () => {
  assert.equal(editBetween('abc', 'abc'), undefined);
  const e = editBetween('ab\ncd\nef', 'ab\ncXd\nef')!;
  assert.deepEqual([e.startIndex, e.oldEndIndex, e.newEndIndex], [4, 4, 5]);
  assert.deepEqual(e.startPosition, { row: 1, column: 1 });
  assert.deepEqual(e.newEndPosition, { row: 1, column: 2 });
  // '😀' and '😃' share their high surrogate: the range must start before it, not between the two halves.
  const s = editBetween('x😀y', 'x😃y')!;
  assert.deepEqual([s.startIndex, s.oldEndIndex, s.newEndIndex], [1, 3, 3]);
  const d = editBetween('line1\nline2\n', 'line1\n')!;
  assert.deepEqual([d.startIndex, d.oldEndIndex, d.newEndIndex], [6, 12, 6]);
  assert.deepEqual(d.oldEndPosition, { row: 2, column: 0 });
});

test('incremental re-parsing gives exactly the chunks of a fresh parse, through random edits of every language', async () => {
  const cached = createChunker(); // trees kept, re-parsed incrementally
  const fresh = createChunker({ treeCache: 0 });
  const random = seededRandom(7);
  const snippets = ['x', '\n', '  ', 'def f():\n    pass\n', 'function g() { return 1 }\n', '}', '{', '"', '/*', 'é😀', ''];
  let compared = 0;
  for (const rel of fixtureFiles()) {
    const original = readFileSync(path.join(languagesDir, rel), 'utf8');
    let text = original;
    await cached.chunk(rel, text);
    for (let i = 0; i < 12; i++) {
      // Replace a random range (0–40 chars) with a snippet: inserts, deletes, broken syntax, multi-line changes.
      const at = Math.floor(random() * (text.length + 1));
      const len = Math.min(text.length - at, Math.floor(random() * 40));
      text = text.slice(0, at) + snippets[Math.floor(random() * snippets.length)] + text.slice(at + len);
      if (i === 6) text = original; // and back
      const got = await cached.chunk(rel, text);
      const want = await fresh.chunk(rel, text);
      assert.deepEqual(got, want, `${rel} after edit ${i}`);
      compared++;
    }
  }
  assert.ok(compared >= 12 * 10, `compared ${compared}`);
});
