import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkerPool, workerScript } from '../../../src/core/index/workerPool';
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
