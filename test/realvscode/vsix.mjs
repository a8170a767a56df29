// Runs the real-VS Code suites against the PACKAGED extension, installed as a user installs it: `npm run package`
// builds pinpoint.vsix, then run.mjs (PINPOINT_IT_VSIX) runs `code-server --install-extension pinpoint.vsix
// --extensions-dir <tmp>/extensions`, starts code-server with that extensions dir, and runs the suites from a
// separate test-harness extension (extensionDevelopmentPath) that drives the installed pinpoint-dev.pinpoint.
// The activation suite asserts the extension that ran was loaded from that extensions dir, not from this repo.
// Skipped (exit 0) when the real VS Code is not installed, like run.mjs. Extra arguments/env pass through.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root, tools } from './setup.mjs';

if (!existsSync(join(tools, '.installed')) && !process.env.CI) {
  console.log('packaged-VSIX suites skipped: code-server/Chromium not installed (install: bash test/realvscode/install.sh)');
  process.exit(0);
}
const pack = spawnSync('npm', ['run', 'package', '--silent'], { cwd: root, stdio: 'inherit' });
if (pack.status !== 0) {
  console.error('[realvscode] npm run package failed');
  console.log('0 passed, 1 failed');
  process.exit(pack.status ?? 1);
}
const r = spawnSync(process.execPath, [join(root, 'test', 'realvscode', 'run.mjs')], {
  cwd: root, stdio: 'inherit', env: { ...process.env, PINPOINT_IT_VSIX: join(root, 'pinpoint.vsix') },
});
process.exit(r.status ?? 1);
