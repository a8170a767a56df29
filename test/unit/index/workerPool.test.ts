import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { defaultWorkerCount, WORKER_NICE, WorkerPool, workerScript } from '../../../src/core/index/workerPool';
import { processFile } from '../../../src/core/index/processFile';
import { createChunker } from '../../../src/core/parsing/chunker';
import { makeWorkspace } from '../../helpers/workspace';

test('worker pool: no thread until there is work; idle threads stop and come back for the next file', async () => {
  const script = workerScript();
  assert.ok(script, 'compiled worker script next to the pool');
  const root = makeWorkspace({ 'a.py': 'def alpha():\n    return 1\n', 'b.ts': 'export function beta(): number {\n  return 2;\n}\n' });
  const pool = new WorkerPool(script, 1, { id: 'builtin' }, 2, 300);
  try {
    assert.equal(pool.running, 0, 'opening an index starts no thread');
    const a = await pool.process({ root, path: 'a.py', knownIds: [], embed: true });
    assert.equal(a.status, 'chunked');
    assert.equal(a.status === 'chunked' && a.chunks[0].name, 'alpha');
    assert.ok(a.status === 'chunked' && a.vectors[0] instanceof Float32Array, 'embedded in the worker');
    assert.equal(pool.running, 1);
    await sleep(800);
    assert.equal(pool.running, 0, 'stopped after the idle time');
    const b = await pool.process({ root, path: 'b.ts', knownIds: [], embed: true });
    assert.equal(b.status === 'chunked' && b.chunks[0].name, 'beta');
    assert.equal(pool.running, 1, 'a new thread took the next file');
  } finally {
    await pool.close();
  }
  assert.equal(pool.running, 0);
});

test('after a bulk run the threads stop soon, not after the long idle time a few saves get', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 4; i++) files[`m${i}.py`] = `def f${i}():\n    return ${i}\n`;
  const root = makeWorkspace(files);
  const bulk = { files: 3, idleMs: 300 }; // a thread that took 3 files stops after 300 ms idle
  const pool = new WorkerPool(workerScript()!, 1, { id: 'builtin' }, 16, 60_000, bulk);
  try {
    await pool.process({ root, path: 'm0.py', knownIds: [], embed: true });
    await sleep(800);
    assert.equal(pool.running, 1, 'one saved file: the thread stays for the next save');
    await Promise.all(['m1.py', 'm2.py', 'm3.py'].map((p) => pool.process({ root, path: p, knownIds: [], embed: true })));
    await sleep(800);
    assert.equal(pool.running, 0, 'after a run of files: stopped');
  } finally {
    await pool.close();
  }
});

test('one file starts one thread; a batch starts as many as the pool allows', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 8; i++) files[`m${i}.py`] = `def f${i}():\n    return ${i}\n`;
  const root = makeWorkspace(files);
  const pool = new WorkerPool(workerScript()!, 2, { id: 'builtin' }); // the default depth: 16 files per thread
  try {
    await pool.process({ root, path: 'm0.py', knownIds: [], embed: true });
    assert.equal(pool.running, 1, 'a single saved file needs one thread');
    const all = await Promise.all(Object.keys(files).map((p) => pool.process({ root, path: p, knownIds: [], embed: true })));
    assert.ok(all.every((r) => r.status === 'chunked'));
    assert.equal(pool.running, 2, 'eight files in flight: both threads (a thread starts per 2 files waiting, not per 16)');
  } finally {
    await pool.close();
  }
});

/** nice value of one of this process's threads (Linux: /proc/self/task/<tid>/stat, field 19). */
const threadNice = (tid: number | string) => {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[16]); // after "(comm) ", which may hold spaces
};
const threadNiceValues = () => readdirSync('/proc/self/task').map(threadNice);

test('workers take every core where they can lower their own priority (Linux), all but one elsewhere', { skip: process.platform !== 'linux' && 'Linux only' }, async () => {
  assert.equal(defaultWorkerCount(2, 'linux'), 2);
  assert.equal(defaultWorkerCount(2, 'darwin'), 1);
  assert.equal(defaultWorkerCount(1, 'win32'), 1);
  assert.equal(defaultWorkerCount(16, 'linux'), 4);
  const script = workerScript()!;
  const root = makeWorkspace({ 'a.py': 'def alpha():\n    return 1\n' });
  const base = threadNice(process.pid); // the runner may itself be niced
  const lowered = Math.min(19, base + WORKER_NICE);
  assert.ok(threadNiceValues().every((n) => n === base), 'no thread lowered yet');
  const pool = new WorkerPool(script, 1, { id: 'builtin' });
  try {
    await pool.process({ root, path: 'a.py', knownIds: [], embed: true });
    const after = threadNiceValues();
    assert.equal(after.filter((n) => n === lowered).length, 1, `one thread (the worker) lowered itself: ${after}`);
    assert.equal(after.filter((n) => n === base).length, after.length - 1, 'the rest did not');
    assert.equal(threadNice(process.pid), base, 'this (the caller\'s) thread kept its priority');
  } finally {
    await pool.close();
  }
});

test('reading with blocking calls (workers) gives the same result as the async read', async () => {
  const root = makeWorkspace({ 'a.py': 'def alpha():\n    return 1\n' + '# pad\n'.repeat(20_000), 'empty.ts': '', 'dir/x.ts': 'export const x = 1;\n' });
  const chunker = createChunker();
  for (const p of ['a.py', 'empty.ts', 'dir/x.ts', 'missing.ts', 'dir']) {
    const req = { root, path: p, knownIds: [], embed: false };
    assert.deepEqual(await processFile(req, chunker, undefined, { syncRead: true }), await processFile(req, chunker), p);
  }
  const dir = await processFile({ root, path: 'dir', knownIds: [], embed: false }, chunker, undefined, { syncRead: true });
  if (process.platform !== 'win32') assert.equal(dir.status, 'missing', 'a directory is not a file');
});
