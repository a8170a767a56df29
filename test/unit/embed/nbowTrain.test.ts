import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// The trainer of the builtin embedder's word table (bench/nbowTrain.ts), run as its README line runs it.
const TRAINER = path.join(__dirname, '..', '..', '..', 'bench', 'nbowTrain.js');

/** 48 pairs in one repository over a small vocabulary: each doc sentence's verb and noun recur in its code. */
function pairsFile(dir: string): string {
  const verbs = ['parse', 'read', 'write', 'open', 'close', 'sort'];
  const nouns = ['config', 'file', 'socket', 'buffer', 'token', 'list', 'header', 'stream'];
  const lines: string[] = [];
  for (const v of verbs) {
    for (const n of nouns) {
      lines.push(JSON.stringify({ repo: 'o/r', q: `${v} the ${n} given`, c: `def ${v}_${n} ${v} ${n} self ${n} return ${n}` }));
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
