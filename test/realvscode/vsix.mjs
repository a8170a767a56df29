// Runs the real-VS Code suites against the PACKAGED extension: `npm run package` builds pinpoint.vsix, which is
// unpacked into a temp dir and used as the extension under test (PINPOINT_IT_EXTENSION_DIR), so the bundles,
// grammars, schemas and media the VSIX ships are what runs. The compiled suites (out/) are copied next to it;
// they, not the extension, resolve node_modules and the harness tools through links.
// Skipped (exit 0) when the real VS Code is not installed, like run.mjs.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tools = join(root, 'test', 'realvscode', '.tools');
if (!existsSync(join(tools, '.installed'))) {
  console.log('packaged-VSIX suites skipped: code-server/Chromium not installed (install: bash test/realvscode/install.sh)');
  process.exit(0);
}
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run('npm', ['run', 'package', '--silent']);
const dir = mkdtempSync(join(tmpdir(), 'pinpoint-vsix-'));
try {
  run('unzip', ['-q', join(root, 'pinpoint.vsix'), '-d', dir]);
  const ext = join(dir, 'extension');
  cpSync(join(root, 'out'), join(ext, 'out'), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(ext, 'node_modules'));
  mkdirSync(join(ext, 'test', 'realvscode'), { recursive: true });
  symlinkSync(tools, join(ext, 'test', 'realvscode', '.tools'));
  console.log(`[realvscode] suites against the packaged extension (${ext})`);
  run(process.execPath, [join(root, 'test', 'realvscode', 'run.mjs')], { env: { ...process.env, PINPOINT_IT_EXTENSION_DIR: ext } });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
