import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkspaceFilter } from '../../../src/core/workspace/filter';
import { walkWorkspace } from '../../../src/core/workspace/walk';
import { makeTree, removeTree, RecordingHost } from './helpers';

test('check() judges a single path (a watcher event) like the walk does', async (t) => {
  const root = makeTree({
    '.gitignore': '*.log\n',
    '.pinpointignore': '!dist/keep.js\n',
    'src/.gitignore': 'generated/\n',
    'src/a.ts': 'x', 'src/generated/g.ts': 'x', 'src/x.log': 'x', 'dist/keep.js': 'x', 'dist/other.js': 'x',
    'node_modules/p/i.js': 'x', '.env': 'x', 'big.ts': 'x'.repeat(2000),
  });
  t.after(() => removeTree(root));
  const host = new RecordingHost(root);
  const filter = await WorkspaceFilter.load(host, { maxFileBytes: 1000 });
  assert.equal(await filter.check('src/a.ts'), undefined);
  assert.equal(await filter.check('dist/keep.js'), undefined);
  assert.ok(filter.forceIncluded('dist/keep.js'));
  assert.ok(!filter.forceIncluded('src/a.ts'));
  assert.deepEqual(await filter.check('src/generated/g.ts'), { path: 'src/generated/g.ts', reason: 'ignored', detail: 'inside src/generated/ (src/.gitignore:1 "generated/")' });
  assert.deepEqual(await filter.check('node_modules/p/i.js'), { path: 'node_modules/p/i.js', reason: 'ignored', detail: 'inside node_modules/ (built-in "node_modules/")' });
  assert.deepEqual(await filter.check('dist/other.js'), { path: 'dist/other.js', reason: 'ignored', detail: 'inside dist/ (built-in "dist/")' });
  assert.deepEqual(await filter.check('src/x.log'), { path: 'src/x.log', reason: 'ignored', detail: '.gitignore:1 "*.log"' });
  assert.equal((await filter.check('.env'))?.reason, 'secret');
  assert.ok(!host.reads.includes('.env')); // lstat'ed (a directory named like a secret is not one), never read
  assert.deepEqual(await filter.check('big.ts'), { path: 'big.ts', reason: 'too-large', detail: '2.0 KB > max 1.0 KB' });
  assert.deepEqual(await filter.check('src'), undefined);
  assert.equal((await filter.check('src/generated'))?.path, 'src/generated/');
  // The single-path check agrees with the walk on every file.
  const walked = await walkWorkspace(host, { filter });
  for (const f of walked.files) assert.equal(await filter.check(f.path), undefined, f.path);
});

test('invalidate() picks up an edited .gitignore; ruleFileKind tells which files need what', async (t) => {
  const root = makeTree({ 'src/.gitignore': '', 'src/a.ts': 'x', 'src/b.ts': 'x' });
  t.after(() => removeTree(root));
  const host = new RecordingHost(root);
  const filter = await WorkspaceFilter.load(host);
  assert.equal(await filter.check('src/b.ts'), undefined);
  fs.writeFileSync(path.join(root, 'src/.gitignore'), 'b.ts\n');
  assert.equal(await filter.check('src/b.ts'), undefined); // cached until invalidated
  assert.equal(WorkspaceFilter.ruleFileKind('src/.gitignore'), 'gitignore');
  assert.equal(WorkspaceFilter.ruleFileKind('.pinpointignore'), 'root');
  assert.equal(WorkspaceFilter.ruleFileKind('.git/info/exclude'), 'root');
  assert.equal(WorkspaceFilter.ruleFileKind('src/a.ts'), undefined);
  filter.invalidate('src');
  assert.equal((await filter.check('src/b.ts'))?.detail, 'src/.gitignore:1 "b.ts"');
  // .gitignore files are read once per directory, not per file.
  const before = host.reads.length;
  for (let i = 0; i < 5; i++) await filter.check('src/a.ts');
  assert.equal(host.reads.length, before);
});

test('anchored .pinpointignore negations reach into excluded directories; unanchored ones do not', async (t) => {
  const root = makeTree({
    '.pinpointignore': '!/build/**/*.d.ts\n!*.min.js\n',
    'build/types/a.d.ts': 'x', 'build/types/a.js': 'x', 'node_modules/x/y.min.js': 'x', 'lib/z.min.js': 'x',
  });
  t.after(() => removeTree(root));
  const host = new RecordingHost(root);
  const r = await walkWorkspace(host);
  assert.deepEqual(r.files.map((f) => f.path), ['.pinpointignore', 'build/types/a.d.ts', 'lib/z.min.js']);
  assert.ok(!host.listed.some((d) => d.startsWith('node_modules')));
});
