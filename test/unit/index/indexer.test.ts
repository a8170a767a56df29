import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { indexStatus } from '../../../src/core/index/status';
import { MODEL_SETTINGS_FILE, TRACES_DIR_NAME } from '../../../src/core/finetune';
import * as path from 'node:path';
import { openWorkspaceIndex, type OpenIndexOptions } from '../../../src/core/index/workspaceIndex';
import { IndexLockedError } from '../../../src/core/index/lock';
import { IndexScheduler } from '../../../src/core/index/scheduler';
import { hybridSearch } from '../../../src/core/search/hybrid';
import { indexSnapshot, makeWorkspace, SAMPLE_FILES, tempDir, writeFile } from '../../helpers/workspace';

const open = (root: string, indexDir: string, extra: Partial<OpenIndexOptions> = {}) =>
  openWorkspaceIndex({ root, indexDir, owner: 'test', workers: 0, ...extra });

async function freshSnapshot(root: string, extra: Partial<OpenIndexOptions> = {}) {
  const idx = await open(root, tempDir('fresh'), extra);
  await idx.indexer.indexAll();
  const snap = indexSnapshot(idx);
  await idx.close();
  return snap;
}

test('edits, additions, deletions and renames leave the index equal to a fresh build', async () => {
  const root = makeWorkspace(SAMPLE_FILES);
  const dir = tempDir('idx');
  const idx = await open(root, dir);
  const first = await idx.indexer.indexAll();
  assert.equal(first.added, 4);
  assert.ok(first.chunks >= 8, `chunks: ${first.chunks}`);

  // edit: a line inserted above parseConfig shifts everything below; the changed function gets a new id
  writeFile(root, 'src/config.ts', '// header\n' + SAMPLE_FILES['src/config.ts'].replace("split('=')", "split(':')"));
  writeFile(root, 'src/new.ts', 'export const answer = 42;\n\nexport function double(x: number) {\n  return x * 2;\n}\n');
  rmSync(path.join(root, 'README.md'));
  renameSync(path.join(root, 'tools/report.py'), path.join(root, 'tools/reporting.py'));
  const up = await idx.indexer.updateFiles(['src/config.ts', 'src/new.ts', 'tools/reporting.py']);
  assert.equal(up.updated, 1);
  assert.equal(up.added, 2);
  const rm = await idx.indexer.removeFiles(['README.md', 'tools/report.py']);
  assert.equal(rm.removed, 2);
  assert.deepEqual(indexSnapshot(idx), await freshSnapshot(root));

  // the unchanged method kept its id and vector but moved one line down
  const get = [...idx.indexer.store.chunks()].find((c) => c.qualifiedName === 'ConfigStore.get')!;
  assert.equal(get.startLine, 14);

  // a resync after reopening finds nothing to do
  await idx.close();
  const again = await open(root, dir);
  const r = await again.indexer.resync();
  assert.deepEqual([r.added, r.updated, r.removed], [0, 0, 0]);
  assert.equal(r.unchanged, 4);
  assert.deepEqual(indexSnapshot(again), await freshSnapshot(root));
  await again.close();
});

test('changes made while closed are caught up by resync; a deleted directory is removed whole', async () => {
  const root = makeWorkspace(SAMPLE_FILES);
  const dir = tempDir('idx');
  let idx = await open(root, dir);
  await idx.indexer.indexAll();
  await idx.close();
  writeFile(root, 'src/http/client.ts', SAMPLE_FILES['src/http/client.ts'] + '\nexport const VERSION = 2;\n');
  writeFile(root, 'lib/extra.py', 'def extra():\n    return 1\n');
  idx = await open(root, dir);
  const r = await idx.indexer.resync();
  assert.deepEqual([r.added, r.updated, r.removed], [1, 1, 0]);
  rmSync(path.join(root, 'src'), { recursive: true });
  const rm = await idx.indexer.removeFiles(['src']);
  assert.equal(rm.removed, 2);
  assert.deepEqual(indexSnapshot(idx), await freshSnapshot(root));
  await idx.close();
});

test('a saved file is searchable as soon as updateFiles resolves, and persisted shortly after', async () => {
  const root = makeWorkspace(SAMPLE_FILES);
  const dir = tempDir('idx');
  const idx = await open(root, dir);
  await idx.indexer.indexAll();
  writeFile(root, 'src/zebra.ts', 'export function computeZebraStripes(n: number) {\n  return n % 2;\n}\n');
  await idx.indexer.updateFiles(['src/zebra.ts']);
  const hits = await hybridSearch({ store: idx.indexer.store, lexical: idx.indexer.lexical, embedder: idx.embedder }, 'zebra stripes', 3);
  assert.equal(hits[0]?.chunk.qualifiedName, 'computeZebraStripes');
  await idx.close();
  const re = await open(root, dir);
  assert.ok(re.indexer.store.getFile('src/zebra.ts'), 'persisted on close');
  await re.close();
});

test('secrets and ignored files are never indexed, even when a watcher reports them', async () => {
  const root = makeWorkspace({ ...SAMPLE_FILES, '.env': 'API_KEY=sk-123\n', '.gitignore': 'gen/\n', 'gen/out.ts': 'export const x = 1;\n' });
  const idx = await open(root, tempDir('idx'));
  const all = await idx.indexer.indexAll();
  assert.ok(all.skipped.some((s) => s.path === '.env' && s.reason === 'secret'));
  const up = await idx.indexer.updateFiles(['.env', 'gen/out.ts']);
  assert.equal(up.added, 0);
  assert.deepEqual(up.skipped.map((s) => s.reason).sort(), ['ignored', 'secret']);
  assert.equal(idx.indexer.store.getFile('.env'), undefined);
  await idx.close();
});

test('switching embedder keeps indexes apart, and switching back reuses the old one', async () => {
  const root = makeWorkspace(SAMPLE_FILES);
  const dir = tempDir('idx');
  const a = await open(root, dir);
  await a.indexer.indexAll();
  const dirA = a.dir;
  await a.close();
  const b = await open(root, dir, { embedder: { id: 'builtin', dimension: 128 } });
  const rb = await b.indexer.indexAll();
  assert.notEqual(b.dir, dirA);
  assert.equal(rb.added, 4);
  assert.equal(b.indexer.store.getVector([...b.indexer.store.chunks()][0].id)!.length, 128);
  await b.close();
  const a2 = await open(root, dir);
  const ra = await a2.indexer.indexAll();
  assert.equal(a2.dir, dirA);
  assert.deepEqual([ra.added, ra.updated, ra.unchanged], [0, 0, 4]);
  assert.equal(a2.indexer.store.getVector([...a2.indexer.store.chunks()][0].id)!.length, 448);
  await a2.close();
});

test('a corrupt or truncated shard is detected, reported, and rebuilt by resync', async () => {
  const root = makeWorkspace(SAMPLE_FILES);
  const dir = tempDir('idx');
  const idx = await open(root, dir);
  await idx.indexer.indexAll();
  const shardDir = path.join(idx.dir, 'store', 'shards');
  await idx.close();
  const shards = readdirSync(shardDir).filter((f) => f.endsWith('.pb'));
  assert.ok(shards.length >= 2);
  const s0 = path.join(shardDir, shards[0]);
  await fs.truncate(s0, Math.floor((await fs.stat(s0)).size / 2));
  writeFileSync(path.join(shardDir, shards[1]), 'garbage');
  const messages: string[] = [];
  const re = await open(root, dir, { log: (_l, m) => messages.push(m) });
  assert.equal(messages.filter((m) => /damaged/.test(m)).length, 2, messages.join('\n'));
  const r = await re.indexer.resync();
  assert.ok(r.added >= 2);
  assert.deepEqual(indexSnapshot(re), await freshSnapshot(root));
  await re.close();
});

test('an index of another format version is rebuilt with a message; a corrupt lexical file is rebuilt', async () => {
  const root = makeWorkspace(SAMPLE_FILES);
  const dir = tempDir('idx');
  const idx = await open(root, dir);
  await idx.indexer.indexAll();
  const lex = path.join(idx.dir, 'lexical.bin');
  await idx.close();
  writeFileSync(lex, 'not an index');
  let messages: string[] = [];
  let re = await open(root, dir, { log: (_l, m) => messages.push(m) });
  assert.ok(messages.some((m) => /lexical index unreadable/.test(m)), messages.join('\n'));
  const hits = await hybridSearch({ store: re.indexer.store, lexical: re.indexer.lexical, embedder: re.embedder }, 'render report', 3);
  assert.ok(hits.some((h) => h.chunk.qualifiedName === 'render_report'));
  await re.close();
  writeFileSync(path.join(dir, 'VERSION.json'), JSON.stringify({ format: 0 }));
  // The user's own data beside the index survives a rebuild: traces and the switched-in model.
  writeFile(dir, `${TRACES_DIR_NAME}/traces.jsonl`, '{"type":"turn"}\n');
  writeFile(dir, MODEL_SETTINGS_FILE, '{"model":"ft:x","previous":[]}');
  messages = [];
  re = await open(root, dir, { log: (_l, m) => messages.push(m) });
  assert.ok(messages.some((m) => /index format 0 is not the current/.test(m)), messages.join('\n'));
  assert.equal(re.indexer.store.stats().files, 0);
  assert.ok(existsSync(path.join(dir, TRACES_DIR_NAME, 'traces.jsonl')) && existsSync(path.join(dir, MODEL_SETTINGS_FILE)));
  await re.close();
});

test('a second process gets a clear read-only index while the first holds the lock', async () => {
  const root = makeWorkspace(SAMPLE_FILES);
  const dir = tempDir('idx');
  const first = await open(root, dir);
  await first.indexer.indexAll();
  await first.indexer.flush();
  await assert.rejects(open(root, dir), (e: Error) => e instanceof IndexLockedError && /in use by test/.test(e.message));
  const second = await open(root, dir, { allowReadOnly: true });
  assert.match(second.readOnly ?? '', /read-only/);
  assert.equal(second.indexer.store.stats().files, 4);
  await assert.rejects(second.indexer.indexAll(), /read-only/);
  await second.close();
  await first.close();
  const third = await open(root, dir);
  assert.equal(third.readOnly, undefined);
  await third.close();
});

test('worker threads produce the same index as in-process indexing', async () => {
  const root = makeWorkspace(SAMPLE_FILES);
  const idx = await open(root, tempDir('idx'), { workers: 2 });
  await idx.indexer.indexAll();
  const snap = indexSnapshot(idx);
  await idx.close();
  assert.deepEqual(snap, await freshSnapshot(root));
});

test('bulk indexing commits chunks as files come back, not all at the end', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`m${i}.py`] = Array.from({ length: 30 }, (_, j) => `def f${i}_${j}(x):\n    return x + ${j}\n`).join('\n');
  const idx = await open(makeWorkspace(files), tempDir('idx'));
  const seen: number[] = [];
  const sub = idx.indexer.onProgress((p) => {
    if (p.phase === 'index') seen.push(idx.indexer.store.stats().chunks);
  });
  const r = await idx.indexer.indexAll();
  sub.dispose();
  await idx.close();
  assert.equal(r.chunks, 1200);
  assert.equal(seen.length, 40);
  assert.ok(seen[30] > 0, `searchable before the last file is processed: ${seen.join(',')}`);
});

test('a file turned away for its content is remembered: not re-read while unchanged, not reported stale', async () => {
  const root = makeWorkspace({ 'src/a.ts': 'export function alpha(): number {\n  return 1;\n}\n' });
  const blob = path.join(root, 'notes.txt');
  const binary = Buffer.alloc(4096, 7);
  binary[100] = 0; // a NUL byte: binary
  writeFileSync(blob, binary);
  utimesSync(blob, 1_700_000_000, 1_700_000_000);
  const dir = tempDir('idx');
  let idx = await open(root, dir);
  const first = await idx.indexer.indexAll();
  assert.deepEqual(first.skipped.map((x) => [x.path, x.reason]), [['notes.txt', 'binary']]);
  let st = await indexStatus(idx);
  assert.deepEqual([st.skipped, st.stale], [1, []], 'skipped, not stale');
  await idx.close();

  // Same size and mtime, other bytes (text now): like an indexed file, it is trusted unchanged and not read again.
  writeFileSync(blob, 'word '.repeat(819) + 'x');
  utimesSync(blob, 1_700_000_000, 1_700_000_000);
  idx = await open(root, dir);
  st = await indexStatus(idx);
  assert.deepEqual([st.skipped, st.stale], [1, []], 'the memo was saved with the index');
  const second = await idx.indexer.resync();
  assert.deepEqual(second.skipped.map((x) => x.path), ['notes.txt'], 'still reported as skipped');
  assert.equal(idx.indexer.store.getFile('notes.txt'), undefined, 'not read again');

  // A new mtime: read again, now text, indexed; the memo forgets it.
  utimesSync(blob, 1_700_000_100, 1_700_000_100);
  const third = await idx.indexer.resync();
  assert.deepEqual(third.skipped, []);
  assert.ok(idx.indexer.store.getFile('notes.txt'), 'indexed once it changed');
  st = await indexStatus(idx);
  assert.deepEqual([st.skipped, st.stale], [0, []]);
  await idx.close();
});

test('a burst of 2,000 file events is coalesced into a few batches', async () => {
  const calls: { kind: string; n: number }[] = [];
  const target = {
    async updateFiles(p: string[]) {
      calls.push({ kind: 'update', n: p.length });
      await new Promise((r) => setTimeout(r, 20));
      return { files: 0, chunks: 0, added: p.length, updated: 0, removed: 0, unchanged: 0, skipped: [], ms: 0 };
    },
    async removeFiles(p: string[]) {
      calls.push({ kind: 'remove', n: p.length });
      return { files: 0, chunks: 0, added: 0, updated: 0, removed: p.length, unchanged: 0, skipped: [], ms: 0 };
    },
  };
  const s = new IndexScheduler(target);
  for (let i = 0; i < 2000; i++) {
    s.changed([`f${i % 1500}.ts`]);
    if (i === 100) await new Promise((r) => setImmediate(r)); // the first batch starts while events keep coming
  }
  s.deleted(['f1.ts']);
  await s.idle();
  assert.ok(calls.length <= 4, JSON.stringify(calls));
  const updated = calls.filter((c) => c.kind === 'update').reduce((a, c) => a + c.n, 0);
  assert.ok(updated <= 1500 + 101, `updated ${updated}`);
  assert.ok(calls.some((c) => c.kind === 'remove' && c.n === 1));
});

test('a bulk build writes each shard once, as soon as its last file is committed, and gives a fresh build', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`pkg/m${i}.py`] = `def f${i}(x):\n    return x + ${i}\n\n\nclass C${i}:\n    def g(self):\n        return ${i}\n`;
  const root = makeWorkspace(files);
  const idx = await open(root, tempDir('idx'));
  const { store } = idx.indexer;
  const flushes: (number[] | 'all')[] = [];
  const flush = store.flush.bind(store);
  store.flush = (shards?: Iterable<number>) => {
    flushes.push(shards ? [...shards] : 'all');
    return flush(shards);
  };
  await idx.indexer.indexAll();
  const expected = [...new Set(Object.keys(files).map((p) => store.shardOf(p)))].sort((a, b) => a - b);
  const early = flushes.filter((f): f is number[] => f !== 'all');
  // one write per shard, all before the final save
  assert.deepEqual(early.flat().sort((a, b) => a - b), expected);
  assert.ok(early.every((f) => f.length === 1));
  assert.equal(flushes.indexOf('all'), early.length);
  // every shard was on disk before the final save began; reopened, the index is a fresh build's
  const names = readdirSync(path.join(store.dir, 'shards')).filter((n) => n.endsWith('.pb'));
  assert.equal(names.length, expected.length);
  const snap = indexSnapshot(idx);
  await idx.close();
  assert.deepEqual(snap, await freshSnapshot(root));
});
