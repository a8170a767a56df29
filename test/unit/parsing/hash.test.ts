/** The chunk hash is sha256 (hex) of the UTF-8 text, whichever Node API computes it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sha256 } from '../../../src/core/parsing/text';

test('sha256 matches createHash for ASCII, non-ASCII, empty and lone-surrogate text', () => {
  for (const s of ['', 'def f():\n  pass\n', 'naïve — 日本語 🙂', 'x'.repeat(100_000), 'bad \ud800 surrogate']) {
    assert.equal(sha256(s), createHash('sha256').update(s).digest('hex'));
  }
});
