/**
 * Golden chunks of one realistic fixture per language (test/fixtures/languages/<lang>/sample.*), plus the invariants
 * every parsed file must satisfy. `UPDATE_GOLDEN=1` rewrites the golden files — read them before committing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { createChunker } from '../../../src/core/parsing';
import type { Chunk } from '../../../src/core/types';
import { fixtureFiles, languagesDir, linesOf, sha256, uncoveredLines } from './helpers';

const chunker = createChunker();
const SUMMARY = new Set(['class', 'interface', 'struct', 'enum', 'trait']);

function golden(chunks: Chunk[]): Array<Omit<Chunk, 'text'>> {
  return chunks.map(({ text: _text, ...rest }) => rest);
}

for (const rel of fixtureFiles()) {
  test(`golden chunks: ${rel}`, async () => {
    const file = path.join(languagesDir, rel);
    const text = readFileSync(file, 'utf8');
    const chunks = await chunker.chunk(`fixtures/${rel}`, text);
    const goldenFile = `${file}.golden.json`;
    const actual = golden(chunks);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(goldenFile)) {
      writeFileSync(goldenFile, JSON.stringify(actual, null, 2) + '\n');
      if (process.env.UPDATE_GOLDEN !== '1') assert.fail(`golden file written, review it: ${goldenFile}`);
      return;
    }
    assert.deepEqual(actual, JSON.parse(readFileSync(goldenFile, 'utf8')));
  });

  test(`invariants: ${rel}`, async () => {
    const text = readFileSync(path.join(languagesDir, rel), 'utf8');
    const chunks = await chunker.chunk(`fixtures/${rel}`, text);
    assert.ok(chunks.length > 0);
    assert.deepEqual(uncoveredLines(text, chunks), [], 'every non-blank line is inside a chunk');
    assert.equal(new Set(chunks.map((c) => c.id)).size, chunks.length, 'ids are unique');
    for (const c of chunks) {
      assert.equal(c.hash, sha256(c.text));
      assert.ok(c.startLine >= 1 && c.startLine <= c.endLine, `${c.qualifiedName}: line range`);
      const verbatim = linesOf(text, c.startLine, c.endLine);
      if (c.part && c.part.index > 1) assert.ok(c.text.endsWith(verbatim) && c.text.startsWith(c.signature), `${c.qualifiedName}: part text`);
      else if (!SUMMARY.has(c.kind)) assert.equal(c.text, verbatim, `${c.qualifiedName}: text is verbatim`);
    }
  });
}
