import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot, fixturesDir } from '../../helpers/paths';
import { tempDir } from '../../helpers/workspace';
import type { Chunk, ScanResult } from '../../../src/core/types';

// These run the real bundle (dist/cli.js, built by `npm test` first): the contract users and later issues rely on.
const cli = path.join(repoRoot, 'dist', 'cli.js');
function run(args: string[], cwd = repoRoot) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: tempDir('cache') } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('chunks --json from the bundle equals the golden chunks (grammars load from dist/)', () => {
  const rel = 'test/fixtures/languages/python/sample.py';
  const r = run(['chunks', rel, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'no grammar warnings');
  const chunks = JSON.parse(r.stdout) as Chunk[];
  const golden = JSON.parse(readFileSync(path.join(fixturesDir, 'languages/python/sample.py.golden.json'), 'utf8')) as Omit<Chunk, 'text'>[];
  assert.deepEqual(chunks.map((c) => [c.qualifiedName, c.startLine, c.endLine, c.hash]), golden.map((c) => [c.qualifiedName, c.startLine, c.endLine, c.hash]));
  assert.ok(chunks.every((c) => typeof c.text === 'string' && c.path === rel));
});

test('scan --json reports files, chunks, languages and skipped files with reasons', () => {
  const dir = tempDir('scan');
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src', 'app.ts'), 'export function add(a: number, b: number) {\n  return a + b;\n}\n');
  writeFileSync(path.join(dir, 'README.md'), '# Title\n\nSome text.\n');
  writeFileSync(path.join(dir, '.env'), 'SECRET=1\n');
  writeFileSync(path.join(dir, 'blob.bin'), Buffer.from([0, 1, 2, 0]));
  const r = run(['scan', dir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout) as ScanResult;
  assert.equal(res.files, 2);
  assert.equal(res.byLanguage.typescript.chunks, 1);
  assert.deepEqual(res.skipped.map((s) => [s.path, s.reason]), [['.env', 'secret'], ['blob.bin', 'binary']]);
  assert.equal(typeof res.ms, 'number');
});

test('exit codes: usage error 2, failure 1 with one line on stderr, --help 0', () => {
  const usage = run(['scan']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /missing required argument/);
  const unknown = run(['frobnicate']);
  assert.equal(unknown.code, 2);
  const fail = run(['chunks', 'does/not/exist.py']);
  assert.equal(fail.code, 1);
  assert.equal(fail.stderr.trim().split('\n').length, 1);
  assert.match(fail.stderr, /^pinpoint: cannot read does\/not\/exist.py: ENOENT/);
  for (const cmd of ['scan', 'chunks', 'index', 'status', 'search']) {
    const help = run([cmd, '--help']);
    assert.equal(help.code, 0, cmd);
    assert.match(help.stdout, new RegExp(`Usage: pinpoint ${cmd}`));
  }
});
