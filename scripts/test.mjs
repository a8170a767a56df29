// The one test command (`npm test`, called by .ci/run): build the bundles, compile sources and tests
// with tsc into out/, then run every unit test file under node's built-in test runner.
// Real-VS Code suites (test/realvscode) run afterwards when that VS Code is installed: dev, untrusted, packaged.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const filter = process.argv.slice(2);

run(process.execPath, [join(root, 'scripts/build.mjs')]);
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
const unitDir = join(root, 'out/test/unit');
let files = existsSync(unitDir) ? find(unitDir).sort() : [];
if (filter.length) files = files.filter((f) => filter.some((s) => f.includes(s)));
if (!files.length) { console.error('no test files found'); process.exit(1); }
const res = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { cwd: root, stdio: 'inherit' });
if (res.status !== 0) process.exit(res.status ?? 1);

const real = join(root, 'test/realvscode/run.mjs');
if (!filter.length && existsSync(real)) {
  // Three passes (each skipped when the real VS Code is not installed): the dev build; the same suites in an
  // untrusted workspace (Restricted Mode: nothing may reach a model); the packaged .vsix, installed.
  const passes = [
    [real, {}],
    [real, { PINPOINT_IT_UNTRUSTED: '1' }],
    [join(root, 'test/realvscode/vsix.mjs'), {}],
  ];
  for (const [script, env] of passes) {
    const r = spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
