import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { nearTogether } from '../../../bench/nbowTrain';
import { seededRandom } from '../../../src/core/finetune/sample';

// The trainer of the builtin embedder's word table (bench/nbowTrain.ts), run as its README line runs it.
const TRAINER = path.join(__dirname, '..', '..', '..', 'bench', 'nbowTrain.js');

/**
 * 48 pairs (× `copies`, each copy in other directories) in one repository over a small vocabulary: each doc
 * sentence's verb and noun recur in its code.
 */
function pairsFile(dir: string, copies = 1): string {
  const verbs = ['parse', 'read', 'write', 'open', 'close', 'sort'];
  const nouns = ['config', 'file', 'socket', 'buffer', 'token', 'list', 'header', 'stream'];
  const lines: string[] = [];
  for (const v of verbs) {
    for (const n of nouns) {
      for (let k = 0; k < copies; k++) {
        const dir = verbs.indexOf(v) < 3 ? 'io' : 'util';
        lines.push(JSON.stringify({ repo: 'o/r', path: `${dir}${k}/${v}.py`, q: `${v} the ${n} given`, c: `def ${v}_${n} ${v} ${n} self ${n} return ${n}` }));
      }
    }
  }
  const file = path.join(dir, 'pairs.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** A temporary directory, removed when the test ends. */
function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pinpoint-nbow-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function train(pairs: string, out: string, extra: string[]): { meta: { tau: number; vocab: string[] }; bin: Buffer } {
  execFileSync(process.execPath, [TRAINER, '--pairs', pairs, '--out', out, '--epochs', '2', '--dim', '8', ...extra], { stdio: 'pipe' });
  return { meta: JSON.parse(readFileSync(`${out}.json`, 'utf8')) as { tau: number; vocab: string[] }, bin: readFileSync(`${out}.bin`) };
}

test('nbowTrain: --tau sets the temperature it records; the same arguments give the same table', (t) => {
  const dir = scratch(t);
  const pairs = pairsFile(dir);
  const base = train(pairs, path.join(dir, 'a'), []);
  const again = train(pairs, path.join(dir, 'b'), []);
  const warm = train(pairs, path.join(dir, 'c'), ['--tau', '0.1']);
  assert.equal(base.meta.tau, 0.05);
  assert.equal(warm.meta.tau, 0.1);
  assert.ok(base.meta.vocab.includes('config') && base.meta.vocab.length === warm.meta.vocab.length);
  assert.ok(base.bin.equals(again.bin), 'a retrain from the same pairs is byte-identical');
  assert.ok(!base.bin.equals(warm.bin), 'another temperature trains another table');
});

test('nbowTrain: a temperature that is not above zero is refused with the value named', (t) => {
  const dir = scratch(t);
  const pairs = pairsFile(dir);
  for (const bad of ['0', 'warm']) {
    const r = spawnSync(process.execPath, [TRAINER, '--pairs', pairs, '--out', path.join(dir, 'x'), '--tau', bad], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`--tau: expected a temperature above 0, got "${bad}"`));
  }
});

test('nbowTrain: nearTogether keeps each group contiguous, in a seeded order of groups and of ids', () => {
  const ids = Array.from({ length: 60 }, (_, i) => i);
  const groupOf = (i: number) => `g${i % 7}`;
  const order = nearTogether(ids, groupOf, seededRandom(3));
  assert.deepEqual([...order].sort((a, b) => a - b), ids, 'a permutation of the ids');
  const runs = order.map(groupOf).filter((g, i, all) => i === 0 || all[i - 1] !== g);
  assert.equal(runs.length, 7, `each group is one run: ${runs.join(' ')}`);
  assert.deepEqual(nearTogether(ids, groupOf, seededRandom(3)), order, 'the same seed, the same order');
  assert.notDeepEqual(nearTogether(ids, groupOf, seededRandom(4)), order, 'another seed, another order');
});

test('nbowTrain: --batch-by dir and file train other tables than repository batches, recorded in the table; anything else is refused', (t) => {
  const dir = scratch(t);
  const pairs = pairsFile(dir, 6); // 288 pairs: more than one batch of 128, so how batches are drawn matters
  const base = train(pairs, path.join(dir, 'a'), []);
  const byDir = train(pairs, path.join(dir, 'b'), ['--batch-by', 'dir']);
  const byFile = train(pairs, path.join(dir, 'c'), ['--batch-by', 'file']);
  assert.equal((base.meta as { batchBy?: string }).batchBy, undefined);
  assert.equal((byDir.meta as { batchBy?: string }).batchBy, 'dir');
  assert.equal((byFile.meta as { batchBy?: string }).batchBy, 'file');
  assert.ok(!base.bin.equals(byDir.bin) && !byDir.bin.equals(byFile.bin), 'each batching trains its own table');
  const r = spawnSync(process.execPath, [TRAINER, '--pairs', pairs, '--out', path.join(dir, 'x'), '--batch-by', 'folder'], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--batch-by: expected repo, dir or file, got "folder"/);
});
