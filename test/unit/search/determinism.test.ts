import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openWorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { createRetriever, type Stage } from '../../../src/core/search/retriever';
import { makeWorkspace, tempDir } from '../../helpers/workspace';

/**
 * Fourteen modules that each define `convert` and `Converter.convert` and call each other's helpers: exact name
 * matches tie, the code graph's seeds are cut from tied symbols, and files tie on several signals. The order in
 * which an index learned its files (the workers' finishing order, a branch switch) must not decide any rank.
 */
function files(): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < 14; i++) {
    const next = (i + 1) % 14;
    out[`pkg/conv_${String.fromCharCode(97 + i)}.py`] = `from pkg.conv_${String.fromCharCode(97 + next)} import helper_${next}


def helper_${i}(value):
    return str(value)


def convert(value):
    """Convert a value into a string."""
    return helper_${next}(value)


class Converter:
    def convert(self, value):
        return convert(value)
`;
  }
  return out;
}

const QUERIES = [
  'convert fails for None: `convert(None)` returns "None" instead of an empty string',
  'Converter.convert',
  'where is a value converted into a string?',
  'helper_3 calls convert',
];

async function build(order: 'forward' | 'backward'): Promise<Record<string, unknown>> {
  const ws = files();
  const root = makeWorkspace(ws);
  const idx = await openWorkspaceIndex({ root, indexDir: tempDir('det-idx'), owner: 'test', workers: 0 });
  try {
    const paths = Object.keys(ws);
    const halves = [paths.slice(0, 7), paths.slice(7)];
    if (order === 'backward') halves.reverse();
    for (const h of halves) await idx.indexer.updateFiles(order === 'backward' ? [...h].reverse() : h);
    const out: Record<string, unknown> = {};
    for (const stage of ['hybrid', 'fusion', 'rerank'] as Stage[]) {
      const r = createRetriever(idx, { stage });
      for (const q of QUERIES) {
        const res = await r.retrieve(q, { k: 20, fileK: 14 });
        out[`${stage} ${q}`] = {
          chunks: res.chunks.map((h) => [h.chunk.id, h.score]),
          files: res.files.map((f) => [f.path, f.score]),
        };
      }
    }
    return out;
  } finally {
    await idx.close();
  }
}

test('rankings do not depend on the order in which the index learned its files', async () => {
  const a = await build('forward');
  const b = await build('backward');
  for (const key of Object.keys(a)) assert.deepEqual(b[key], a[key], key);
});
