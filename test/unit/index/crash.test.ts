import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { openWorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { indexSnapshot, makeWorkspace, tempDir } from '../../helpers/workspace';
import { moduleText } from '../../helpers/crashChild';

const KILLS = Number(process.env.PINPOINT_CRASH_KILLS ?? 12);
const child = path.join(__dirname, '..', '..', 'helpers', 'crashChild.js');

function runAndKill(root: string, indexDir: string, seed: number, afterReadyMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, root, indexDir, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.stdout.once('data', () => setTimeout(() => p.kill('SIGKILL'), afterReadyMs));
    p.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

test(`SIGKILL at ${KILLS} random points while indexing never leaves an index that fails to load or differs after resync`, { timeout: 240_000 }, async () => {
  const files: Record<string, string> = {};
  for (let n = 0; n < 40; n++) files[`src/mod${n}.ts`] = moduleText(n, 0);
  const root = makeWorkspace(files);
  const indexDir = tempDir('crash-idx');
  let seed = 7;
  for (let k = 0; k < KILLS; k++) {
    seed = (seed * 48271) % 2147483647;
    await runAndKill(root, indexDir, seed, 20 + (seed % 700));
    // The next open must load (damaged shards are reported and re-indexed) …
    const messages: string[] = [];
    const idx = await openWorkspaceIndex({ root, indexDir, owner: 'test', workers: 0, log: (_l, m) => messages.push(m) });
    await idx.indexer.resync();
    const got = indexSnapshot(idx);
    await idx.close();
    // … and resync must give exactly what a fresh build of the same files gives.
    const fresh = await openWorkspaceIndex({ root, indexDir: tempDir('crash-fresh'), owner: 'test', workers: 0 });
    await fresh.indexer.indexAll();
    const want = indexSnapshot(fresh);
    await fresh.close();
    assert.deepEqual(got, want, `after kill ${k + 1}; messages: ${messages.join(' | ')}`);
  }
});
