import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BuiltinEmbedder } from '../../../src/core/embed/builtin';
import type { Embedder, EmbedOptions } from '../../../src/core/embed/embedder';
import { FsHost } from '../../../src/core/fsHost';
import { findRepoRoot } from '../../../src/core/parsing/assets';
import { Indexer } from '../../../src/core/index/indexer';
import { indexStatus } from '../../../src/core/index/status';
import type { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { InProcessProcessor } from '../../../src/core/index/workerPool';
import { chunkerFingerprint, chunkId, createChunker, type Chunker } from '../../../src/core/parsing';
import { makeWorkspace, SAMPLE_FILES, tempDir } from '../../helpers/workspace';

/** The builtin embedder, counting the texts it embeds. */
class CountingEmbedder implements Embedder {
  readonly inner = new BuiltinEmbedder();
  readonly id = this.inner.id;
  readonly model = this.inner.model;
  readonly dimension = this.inner.dimension;
  texts = 0;
  embed(texts: string[], opts?: EmbedOptions): Promise<Float32Array[]> {
    this.texts += texts.length;
    return this.inner.embed(texts, opts);
  }
}

const real = createChunker({ treeCache: 0 });
/** An "older" chunker: Python definitions named as a grammar with a bug might have named them. */
const older: Chunker = {
  languageOf: (p) => real.languageOf(p),
  async chunk(p, text, o) {
    const cs = await real.chunk(p, text, o);
    if (!p.endsWith('.py')) return cs;
    return cs.map((c) => ({ ...c, qualifiedName: `stale.${c.qualifiedName}`, id: chunkId(c.path, c.kind, `stale.${c.qualifiedName}`, c.hash) }));
  },
};

async function openWith(root: string, dir: string, chunker: Chunker, key: string, embedder: Embedder, log?: (m: string) => void) {
  return Indexer.open({
    host: new FsHost(root), dir, embedder, processor: new InProcessProcessor(chunker, embedder), processorEmbeds: true, chunker: key,
    log: (_l, m) => log?.(m),
  });
}

const names = (ix: Indexer) => [...ix.store.chunks()].map((c) => `${c.path}#${c.qualifiedName}`).sort();

test('a changed chunker re-chunks every file on the next full sync, re-embedding only the chunks that changed', async () => {
  const root = makeWorkspace(SAMPLE_FILES);
  const dir = tempDir('idx');
  const e1 = new CountingEmbedder();
  let ix = await openWith(root, dir, older, 'older', e1);
  await ix.indexAll();
  assert.ok(names(ix).some((n) => n.endsWith('#stale.render_report')));
  await ix.close();
  assert.equal(JSON.parse(readFileSync(path.join(dir, 'chunker.json'), 'utf8')).fingerprint, 'older');

  // Same files, same size and mtime: only the stamp says the chunks are stale.
  const e2 = new CountingEmbedder();
  const messages: string[] = [];
  ix = await openWith(root, dir, real, 'current', e2, (m) => messages.push(m));
  assert.ok(messages.some((m) => /chunker changed/.test(m)), messages.join('\n'));
  const status = async () => (await indexStatus({ root, dir, indexer: ix } as unknown as WorkspaceIndex)).stale.map((x) => x.state);
  assert.deepEqual(await status(), Object.keys(SAMPLE_FILES).map(() => 'modified'), '`pinpoint status` shows every file stale');
  const r = await ix.indexAll();
  assert.deepEqual(await status(), []);
  assert.equal(r.updated, Object.keys(SAMPLE_FILES).length);
  assert.equal(r.unchanged, 0);
  const pyChunks = [...ix.store.chunks()].filter((c) => c.path.endsWith('.py')).length;
  assert.ok(pyChunks >= 3);
  assert.equal(e2.texts, pyChunks, 'only the renamed (Python) chunks are embedded again');
  const after = names(ix);
  await ix.close();

  // Equal to a fresh build with the current chunker, and stamped: the next sync has nothing to do.
  const fresh = await openWith(root, tempDir('fresh'), real, 'current', new CountingEmbedder());
  await fresh.indexAll();
  assert.deepEqual(after, names(fresh));
  await fresh.close();
  ix = await openWith(root, dir, real, 'current', new CountingEmbedder());
  const again = await ix.indexAll();
  assert.deepEqual([again.updated, again.unchanged], [0, Object.keys(SAMPLE_FILES).length]);
  await ix.close();
});

test('an index without a chunker stamp (built before stamps) is re-chunked once; a new one is stamped at its first sync', async () => {
  const root = makeWorkspace(SAMPLE_FILES);
  const dir = tempDir('idx');
  let ix = await openWith(root, dir, real, 'current', new CountingEmbedder());
  assert.equal(existsSync(path.join(dir, 'chunker.json')), false);
  await ix.indexAll();
  await ix.close();
  rmSync(path.join(dir, 'chunker.json'));
  const e = new CountingEmbedder();
  ix = await openWith(root, dir, real, 'current', e);
  const r = await ix.indexAll();
  assert.equal(r.updated, Object.keys(SAMPLE_FILES).length);
  assert.equal(e.texts, 0, 'the chunks came out the same: nothing is embedded again');
  await ix.close();
  assert.equal(JSON.parse(readFileSync(path.join(dir, 'chunker.json'), 'utf8')).fingerprint, 'current');
});

test('the chunker fingerprint is stable and changes with a grammar asset', () => {
  assert.match(chunkerFingerprint(), /^[0-9a-f]{32}$/);
  assert.equal(chunkerFingerprint(), chunkerFingerprint());
  // Two copies of the assets in the bundled layout: equal, until one language's settings change.
  const grammars = path.join(findRepoRoot(__dirname)!, 'grammars');
  const [a, b] = [tempDir('assets'), tempDir('assets')];
  for (const d of [a, b]) cpSync(grammars, d, { recursive: true });
  assert.equal(chunkerFingerprint(a), chunkerFingerprint(b));
  const cfg = path.join(b, 'csharp', 'language.json');
  writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('"blankBeforeParse"', '"blankBeforeParseOff"'));
  assert.notEqual(chunkerFingerprint(a), chunkerFingerprint(b));
});

test('files cut into line windows because their grammar failed to load leave the index unstamped; the next full sync re-chunks them', async () => {
  // Two copies of the assets in the bundled layout, alike but for a Python grammar of the same size that cannot
  // load (a transient failure looks the same to the index): the fingerprint cannot tell them apart.
  const grammars = path.join(findRepoRoot(__dirname)!, 'grammars');
  const wasms = [['python', require.resolve('tree-sitter-python/tree-sitter-python.wasm')], ['typescript', require.resolve('tree-sitter-typescript/tree-sitter-typescript.wasm')]];
  const bundled = (broken: boolean) => {
    const dir = tempDir('assets');
    cpSync(grammars, dir, { recursive: true });
    for (const [id, file] of wasms) writeFileSync(path.join(dir, id, `${id}.wasm`), broken && id === 'python' ? Buffer.alloc(statSync(file).size, 7) : readFileSync(file));
    return dir;
  };
  const [good, bad] = [bundled(false), bundled(true)];
  const key = chunkerFingerprint(good);
  assert.equal(chunkerFingerprint(bad), key);
  const root = makeWorkspace(SAMPLE_FILES);
  const dir = tempDir('idx');
  const messages: string[] = [];
  let ix = await openWith(root, dir, createChunker({ assetsDir: bad, treeCache: 0 }), key, new CountingEmbedder(), (m) => messages.push(m));
  await ix.indexAll();
  assert.ok(!names(ix).some((n) => n.endsWith('#render_report')), 'Python files are line windows');
  assert.ok(names(ix).some((n) => n.endsWith('#parseConfig')), 'TypeScript files are parsed');
  assert.ok(messages.some((m) => /python grammar failed to load, so tools\/report\.py is indexed as line windows/.test(m)), messages.join('\n'));
  assert.equal(existsSync(path.join(dir, 'chunker.json')), false, 'not stamped');
  await ix.close();

  // The grammar loads again (a new process): the next full sync re-chunks every file and equals a fresh build.
  ix = await openWith(root, dir, createChunker({ assetsDir: good, treeCache: 0 }), key, new CountingEmbedder());
  const r = await ix.indexAll();
  assert.equal(r.updated, Object.keys(SAMPLE_FILES).length);
  const fresh = await openWith(root, tempDir('fresh'), createChunker({ assetsDir: good, treeCache: 0 }), key, new CountingEmbedder());
  await fresh.indexAll();
  assert.deepEqual(names(ix), names(fresh));
  assert.ok(names(ix).some((n) => n.endsWith('#render_report')));
  await fresh.close();
  await ix.close();
  assert.equal(JSON.parse(readFileSync(path.join(dir, 'chunker.json'), 'utf8')).fingerprint, key, 'stamped once every file was chunked');

  // A stamped index: a save whose grammar fails to load unsets the stamp.
  ix = await openWith(root, dir, createChunker({ assetsDir: bad, treeCache: 0 }), key, new CountingEmbedder());
  writeFileSync(path.join(root, 'tools/report.py'), `${SAMPLE_FILES['tools/report.py']}\n\ndef footer():\n    return "--"\n`);
  await ix.updateFiles(['tools/report.py']);
  assert.equal(existsSync(path.join(dir, 'chunker.json')), false);
  await ix.close();
});
