import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { FsHost } from '../../../src/core/fsHost';
import { WorkspaceFilter, walkWorkspace, type WalkResult } from '../../../src/core/workspace/walk';
import { makeTree, removeTree, RecordingHost } from './helpers';

const paths = (r: WalkResult): string[] => r.files.map((f) => f.path);
const skip = (r: WalkResult, p: string) => r.skipped.find((s) => s.path === p);

const GITIGNORE_TREE = {
  '.gitignore': '*.log\n!keep.log\nbuild-output/\n/rootonly.txt\n\n# docs are excluded as a directory\ndocs/\n!docs/readme.md\n',
  'a.log': 'x', 'keep.log': 'x', 'rootonly.txt': 'x', 'main.ts': 'x',
  'build-output/a.ts': 'x',
  'other/build-output': 'a file, not a directory',
  'docs/readme.md': 'x',
  'generated/g.ts': 'x',
  'src/.gitignore': 'generated/\n*.tmp\n!important.tmp\n',
  'src/a.ts': 'x', 'src/x.log': 'x', 'src/keep.log': 'x', 'src/rootonly.txt': 'x',
  'src/a.tmp': 'x', 'src/important.tmp': 'x', 'src/lib/deep.tmp': 'x',
  'src/generated/g.ts': 'x', 'src/build-output/b.ts': 'x',
  'src/sub/.gitignore': '!*.log\n',
  'src/sub/y.log': 'x',
};

test('nested .gitignore files: patterns relative to their directory, negations, directory-only patterns', async (t) => {
  const root = makeTree(GITIGNORE_TREE);
  t.after(() => removeTree(root));
  const r = await walkWorkspace(new FsHost(root), { builtins: false });
  assert.deepEqual(paths(r), [
    '.gitignore', 'generated/g.ts', 'keep.log', 'main.ts', 'other/build-output',
    'src/.gitignore', 'src/a.ts', 'src/important.tmp', 'src/keep.log', 'src/rootonly.txt',
    'src/sub/.gitignore', 'src/sub/y.log',
  ]);
  assert.deepEqual(skip(r, 'a.log'), { path: 'a.log', reason: 'ignored', detail: '.gitignore:1 "*.log"' });
  assert.deepEqual(skip(r, 'build-output/'), { path: 'build-output/', reason: 'ignored', detail: '.gitignore:3 "build-output/"' });
  assert.equal(skip(r, 'src/build-output/')?.detail, '.gitignore:3 "build-output/"');
  assert.equal(skip(r, 'rootonly.txt')?.detail, '.gitignore:4 "/rootonly.txt"');
  assert.equal(skip(r, 'src/generated/')?.detail, 'src/.gitignore:1 "generated/"');
  assert.equal(skip(r, 'src/lib/deep.tmp')?.detail, 'src/.gitignore:2 "*.tmp"');
  assert.equal(skip(r, 'src/x.log')?.detail, '.gitignore:1 "*.log"');
  // As in git, a file inside an excluded directory cannot be re-included by a .gitignore negation,
  // and the directory is reported once, its contents not at all.
  assert.equal(skip(r, 'docs/')?.detail, '.gitignore:7 "docs/"');
  assert.equal(r.skipped.filter((s) => s.path.startsWith('docs/')).length, 1);
});

test('agrees with git on which files are not ignored (when git is installed)', async (t) => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
  } catch {
    t.skip('git not installed');
    return;
  }
  const root = makeTree(GITIGNORE_TREE);
  t.after(() => removeTree(root));
  execFileSync('git', ['init', '-q'], { cwd: root });
  fs.writeFileSync(path.join(root, '.git/info/exclude'), 'main.ts\n');
  const git = execFileSync('git', ['ls-files', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\n').filter(Boolean).sort();
  const r = await walkWorkspace(new FsHost(root), { builtins: false });
  assert.deepEqual(paths(r), git);
  assert.equal(skip(r, 'main.ts')?.detail, '.git/info/exclude:1 "main.ts"');
});

test('.pinpointignore re-includes a built-in exclude and a .gitignored file; secrets stay out', async (t) => {
  const root = makeTree({
    '.gitignore': '*.log\n',
    '.pinpointignore': '# index vendored code and one bundle\n!vendor/\n!dist/keep.js\n!wanted.log\n!.env\n',
    '.env': 'TOKEN=1',
    'wanted.log': 'x', 'other.log': 'x',
    'vendor/lib.go': 'x', 'vendor/sub/x.min.js': 'x', 'vendor/node_modules/m/index.js': 'x',
    'dist/keep.js': 'x', 'dist/other.js': 'x', 'dist/sub/a.js': 'x',
    'node_modules/pkg/index.js': 'x',
  });
  t.after(() => removeTree(root));
  const host = new RecordingHost(root);
  const r = await walkWorkspace(host);
  assert.deepEqual(paths(r), ['.gitignore', '.pinpointignore', 'dist/keep.js', 'vendor/lib.go', 'wanted.log']);
  assert.equal(r.files.find((f) => f.path === 'dist/keep.js')?.forceInclude, true);
  assert.equal(r.files.find((f) => f.path === 'wanted.log')?.forceInclude, true);
  assert.equal(r.files.find((f) => f.path === 'vendor/lib.go')?.forceInclude, undefined);
  assert.equal(skip(r, '.env')?.reason, 'secret');
  assert.equal(skip(r, 'other.log')?.detail, '.gitignore:1 "*.log"');
  // Built-ins still apply below a re-included directory.
  assert.deepEqual(skip(r, 'vendor/sub/x.min.js'), { path: 'vendor/sub/x.min.js', reason: 'generated', detail: 'built-in "*.min.js"' });
  assert.equal(skip(r, 'vendor/node_modules/')?.detail, 'built-in "node_modules/"');
  // dist/ is reported once and walked only as far as the negation can reach.
  assert.deepEqual(r.skipped.filter((s) => s.path.startsWith('dist/')), [{ path: 'dist/', reason: 'ignored', detail: 'built-in "dist/"' }]);
  assert.ok(host.listed.includes('dist'));
  assert.ok(!host.listed.includes('dist/sub'));
  assert.ok(!host.listed.some((d) => d.startsWith('node_modules') || d.startsWith('vendor/node_modules')));
  assert.equal(skip(r, 'node_modules/')?.detail, 'built-in "node_modules/"');
});

test('excludeGlobs add gitignore-syntax excludes; built-ins report their reason', async (t) => {
  const root = makeTree({
    'docs/a.md': 'x', 'src/a.ts': 'x', 'src/a.test.ts.snap': 'x', 'src/logo.PNG': 'x', 'yarn.lock': 'x', 'src/app.js.map': 'x',
  });
  t.after(() => removeTree(root));
  const r = await walkWorkspace(new FsHost(root), { excludeGlobs: ['docs/', '**/*.snap', '  '] });
  assert.deepEqual(paths(r), ['src/a.ts']);
  assert.deepEqual(skip(r, 'docs/'), { path: 'docs/', reason: 'ignored', detail: 'exclude setting "docs/"' });
  assert.equal(skip(r, 'src/a.test.ts.snap')?.detail, 'exclude setting "**/*.snap"');
  assert.deepEqual(skip(r, 'src/logo.PNG'), { path: 'src/logo.PNG', reason: 'binary', detail: 'built-in "*.png"' });
  assert.equal(skip(r, 'yarn.lock')?.reason, 'generated');
  assert.equal(skip(r, 'src/app.js.map')?.reason, 'generated');
});

test('secrets are reported and never read', async (t) => {
  const root = makeTree({
    '.env': 'A=1', '.env.production': 'A=1', 'certs/server.pem': 'x', 'home/.aws/credentials': 'x', 'id_rsa': 'x',
    'config/secrets.yml': 'x', 'infra/prod.tfvars': 'x', 'keys/service-account-prod.json': 'x', 'src/a.ts': 'x',
  });
  t.after(() => removeTree(root));
  const host = new RecordingHost(root);
  const r = await walkWorkspace(host);
  assert.deepEqual(paths(r), ['src/a.ts']);
  const secrets = r.skipped.filter((s) => s.reason === 'secret').map((s) => s.path);
  assert.deepEqual(secrets, ['.env', '.env.production', 'certs/server.pem', 'config/secrets.yml', 'home/.aws/credentials', 'id_rsa', 'infra/prod.tfvars', 'keys/service-account-prod.json']);
  // Only rule files were read; secrets were not even stat'ed.
  for (const s of secrets) {
    assert.ok(!host.reads.includes(s), `${s} was read`);
    assert.ok(!host.stats.includes(s), `${s} was stat'ed`);
  }
  assert.ok(host.reads.every((p) => p.endsWith('.gitignore') || p === '.pinpointignore' || p === '.git/info/exclude'));
});

test('too-large files are skipped with sizes in the detail', async (t) => {
  const root = makeTree({ 'big.ts': new Uint8Array(2_400_000).fill(0x61), 'mid.ts': 'x'.repeat(1500), 'small.ts': 'x' });
  t.after(() => removeTree(root));
  const r = await walkWorkspace(new FsHost(root));
  assert.deepEqual(skip(r, 'big.ts'), { path: 'big.ts', reason: 'too-large', detail: '2.4 MB > max 1.0 MB' });
  const r2 = await walkWorkspace(new FsHost(root), { maxFileBytes: 1000 });
  assert.deepEqual(skip(r2, 'mid.ts'), { path: 'mid.ts', reason: 'too-large', detail: '1.5 KB > max 1.0 KB' });
  assert.deepEqual(paths(r2), ['small.ts']);
  assert.deepEqual(r2.files[0].size, 1);
  assert.ok(r2.files[0].mtimeMs > 0);
});

test('symlinks are not followed, so nothing outside the workspace is reached', async (t) => {
  const root = makeTree({ 'src/a.ts': 'x' });
  const outside = makeTree({ 'secret-project/b.ts': 'x', 'c.ts': 'x' });
  t.after(() => { removeTree(root); removeTree(outside); });
  fs.symlinkSync(outside, path.join(root, 'linked-dir'));
  fs.symlinkSync(path.join(outside, 'c.ts'), path.join(root, 'src/c.ts'));
  const host = new RecordingHost(root);
  const r = await walkWorkspace(host);
  assert.deepEqual(paths(r), ['src/a.ts']);
  assert.deepEqual(skip(r, 'linked-dir'), { path: 'linked-dir', reason: 'ignored', detail: 'symlink (not followed)' });
  assert.deepEqual(skip(r, 'src/c.ts'), { path: 'src/c.ts', reason: 'ignored', detail: 'symlink (not followed)' });
  assert.ok(!host.listed.some((d) => d.startsWith('linked-dir')));
  assert.ok(!host.reads.some((p) => p.startsWith('linked-dir') || p === 'src/c.ts'));
  // A watcher event through the link is refused too.
  const filter = await WorkspaceFilter.load(new FsHost(root));
  assert.deepEqual(await filter.check('linked-dir/c.ts'), { path: 'linked-dir/c.ts', reason: 'ignored', detail: 'inside linked-dir (symlink, not followed)' });
  assert.deepEqual(await walkWorkspace(new FsHost(root), { filter, under: 'linked-dir' }), {
    files: [], skipped: [{ path: 'linked-dir/', reason: 'ignored', detail: 'inside linked-dir (symlink, not followed)' }],
  });
});

test('output is sorted, deterministic at any concurrency, and every skip has a reason and a detail', async (t) => {
  const tree: Record<string, string> = { '.gitignore': '*.out\n' };
  for (let d = 0; d < 12; d++) for (let f = 0; f < 12; f++) tree[`d${(d * 7) % 12}/sub${f % 3}/f${(f * 5) % 12}.${f % 4 ? 'ts' : 'out'}`] = 'x';
  tree['z.png'] = 'x'; tree['A.ts'] = 'x'; tree['node_modules/x.js'] = 'x'; tree['.env'] = 'x';
  const root = makeTree(tree);
  t.after(() => removeTree(root));
  const a = await walkWorkspace(new FsHost(root), { concurrency: 1 });
  const b = await walkWorkspace(new FsHost(root), { concurrency: 64 });
  assert.deepEqual(a, b);
  const sorted = (xs: string[]) => [...xs].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  assert.deepEqual(paths(a), sorted(paths(a)));
  assert.deepEqual(a.skipped.map((s) => s.path), sorted(a.skipped.map((s) => s.path)));
  assert.equal(a.files.length, 12 * 9 + 2);
  assert.ok(a.skipped.length > 30);
  for (const s of a.skipped) {
    assert.ok(s.reason, `${s.path} has no reason`);
    assert.ok(s.detail && s.detail.length > 3, `${s.path} has no detail`);
  }
});

test('an aborted walk rejects', async (t) => {
  const root = makeTree({ 'a/b.ts': 'x' });
  t.after(() => removeTree(root));
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(walkWorkspace(new FsHost(root), { signal: ac.signal }));
  const ac2 = new AbortController();
  const p = walkWorkspace(new FsHost(root), { signal: ac2.signal });
  ac2.abort();
  await assert.rejects(p);
});

test('walks one directory with `under`, honouring the rules above it', async (t) => {
  const root = makeTree({ '.gitignore': '*.gen.ts\n', 'src/new/a.ts': 'x', 'src/new/b.gen.ts': 'x', 'src/old.ts': 'x', 'build/x.ts': 'x' });
  t.after(() => removeTree(root));
  const r = await walkWorkspace(new FsHost(root), { under: 'src/new' });
  assert.deepEqual(paths(r), ['src/new/a.ts']);
  assert.equal(skip(r, 'src/new/b.gen.ts')?.reason, 'ignored');
  const r2 = await walkWorkspace(new FsHost(root), { under: 'build' });
  assert.deepEqual(r2, { files: [], skipped: [{ path: 'build/', reason: 'ignored', detail: 'inside build/ (built-in "build/")' }] });
});

test('an unreadable directory is reported, not fatal', { skip: process.platform === 'win32' || process.getuid?.() === 0 }, async (t) => {
  const root = makeTree({ 'locked/a.ts': 'x', 'b.ts': 'x' });
  t.after(() => { fs.chmodSync(path.join(root, 'locked'), 0o755); removeTree(root); });
  fs.chmodSync(path.join(root, 'locked'), 0o000);
  const r = await walkWorkspace(new FsHost(root));
  assert.deepEqual(paths(r), ['b.ts']);
  assert.equal(skip(r, 'locked/')?.reason, 'unreadable');
});
