import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { createRetriever } from '../../../src/core/search/retriever';
import { relativeFeatures } from '../../../src/core/search/features';
import { CHUNK_FEATURES, recordOf } from '../../../src/core/search/model';
import { indexedWorkspace, makeWorkspace, writeFile } from '../../helpers/workspace';
import { FIXTURE_FILES } from './fixtureRepo';

// The relative features: how a candidate chunk stands against the query's other candidates in its own file, among
// its namesakes in any file, in its class and in its folder.

const F = Object.fromEntries(CHUNK_FEATURES.map((n, i) => [n, i])) as Record<(typeof CHUNK_FEATURES)[number], number>;
const NF = CHUNK_FEATURES.length;

let idx: WorkspaceIndex;
let root: string;

before(async () => {
  root = makeWorkspace(FIXTURE_FILES);
  idx = await indexedWorkspace(root, 'relative-idx');
});
after(async () => {
  await idx.close();
});

test('relativeFeatures: each feature minus its best in the same file, among the same last name segment, class and folder', () => {
  // Four candidates as the retriever meets them: three of a.py, one of b.py; `Reader.close` and `Writer.close` are namesakes.
  const chunks = [
    { path: 'a.py', qualifiedName: 'Reader.close' },
    { path: 'b.py', qualifiedName: 'Writer.close' },
    { path: 'a.py', qualifiedName: 'Reader.read' },
    { path: 'a.py', qualifiedName: 'open' },
  ];
  const rows: [vecCos: number, lexS: number, nameParts: number, ownerParts: number][] = [
    [0.5, 2, 0, 0.5], [0.6, 0, 0.5, 0], [0.7, 1, 1, 0.5], [0.2, 3, 0.5, 0],
  ];
  const buf = new Float64Array(chunks.length * NF);
  rows.forEach((r, i) => ['vecCos', 'lexS', 'nameParts', 'ownerParts'].forEach((n, j) => (buf[i * NF + F[n as keyof typeof F]] = r[j])));
  relativeFeatures(chunks, buf, NF);
  const got = (names: (keyof typeof F)[]) => chunks.map((_, i) => names.map((n) => +buf[i * NF + F[n]].toFixed(6)));
  // a.py's best: vecCos 0.7, lexS 3, nameParts 1. b.py's only candidate is its own best.
  assert.deepEqual(got(['vecInFile', 'lexInFile', 'nameInFile']), [[-0.2, -1, -1], [0, 0, 0], [0, -2, 0], [-0.5, 0, -0.5]]);
  // The two `close` methods: the best vecCos is Writer's 0.6, the best lexS and ownerParts Reader's 2 and 0.5.
  assert.deepEqual(got(['vecInName', 'lexInName', 'ownerInName']), [[-0.1, 0, 0], [0, -2, -0.5], [0, 0, 0], [0, 0, 0]]);
  // Reader's two methods are a class; Writer.close and the top-level `open` are each alone in theirs.
  assert.deepEqual(got(['vecInOwner', 'lexInOwner']), [[-0.2, 0], [0, 0], [0, -1], [0, 0]]);
  // All four share the root folder: its best vecCos is 0.7, its best lexS 3.
  assert.deepEqual(got(['vecInDir', 'lexInDir']), [[-0.2, -1], [-0.1, -3], [0, -2], [-0.5, 0]]);
});

test('the retriever fills the relative features of every candidate before it scores them', async () => {
  // Two `close` methods in two files: the query names the reader, so the reader's is its namesakes' best-named class.
  writeFile(root, 'shop/io.py', 'class LineReader:\n    def close(self):\n        self.f = None\n\n\nclass LineWriter:\n    def close(self):\n        self.f = None\n');
  writeFile(root, 'shop/net.py', 'class SocketWriter:\n    def close(self):\n        self.s = None\n');
  await idx.indexer.updateFiles(['shop/io.py', 'shop/net.py']);
  const res = await createRetriever(idx).retrieve('Closes this reader and frees its file', { k: 10 });
  const cands = res.candidates.chunks.map((c) => ({ path: c.chunk.path, name: c.chunk.qualifiedName, f: recordOf(CHUNK_FEATURES, c.features) }));
  // Each candidate's `to` is its `from` minus the best `from` among the candidates with its `key`.
  const relativeIn = (key: (c: (typeof cands)[number]) => string, from: 'vecCos' | 'lexS', to: 'vecInFile' | 'lexInDir' | 'vecInName') => {
    for (const k of new Set(cands.map(key))) {
      const mine = cands.filter((c) => key(c) === k);
      const best = Math.max(...mine.map((c) => c.f[from]));
      for (const c of mine) assert.equal(c.f[to], c.f[from] - best, `${to} ${c.path} ${c.name}`);
    }
  };
  relativeIn((c) => c.path, 'vecCos', 'vecInFile');
  relativeIn((c) => c.path.slice(0, Math.max(0, c.path.lastIndexOf('/'))), 'lexS', 'lexInDir');
  relativeIn((c) => c.name.slice(c.name.lastIndexOf('.') + 1), 'vecCos', 'vecInName');
  const closes = cands.filter((c) => c.name.endsWith('.close'));
  assert.deepEqual(closes.map((c) => c.name).sort(), ['LineReader.close', 'LineWriter.close', 'SocketWriter.close']);
  const owner = (n: string) => closes.find((c) => c.name === n)!.f;
  assert.equal(owner('LineReader.close').ownerInName, 0);
  assert.equal(owner('LineWriter.close').ownerInName, owner('LineWriter.close').ownerParts - owner('LineReader.close').ownerParts);
  assert.ok(owner('SocketWriter.close').ownerInName < 0);
  // Each `close` is its class's only method here.
  for (const c of closes) assert.equal(c.f.vecInOwner, 0, c.name);
});
