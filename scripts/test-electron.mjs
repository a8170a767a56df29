// Runs the real-VS Code suites (out/test/integration) in DESKTOP VS Code through @vscode/test-electron's runTests:
// extensionDevelopmentPath = this repo, extensionTestsPath = out/test/integration/index.js, a temp copy of the
// fixture workspace. The suites that need the UI bridge (Playwright) skip here; the rest run as under code-server.
//
//   npm run build && npx tsc -p tsconfig.json && npm run test:electron     (Linux without a display: xvfb-run -a …)
//
// Not part of `npm test`: it needs a desktop VS Code, which runTests downloads from update.code.visualstudio.com
// into .vscode-test/ (git-ignored). Where that host cannot be reached, the script stops with one message saying so,
// after at most one request timeout — it does not hang. Environment:
//   PINPOINT_VSCODE_EXECUTABLE=path   use this desktop VS Code (`code` binary) instead of downloading one
//   PINPOINT_VSCODE_VERSION=v         the version to download (default: stable)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { prepareProfile, root } from '../test/realvscode/setup.mjs';

const REQUEST_TIMEOUT_MS = 15_000; // per request / stalled download (test-electron's own timeout)
const say = (msg) => console.log(`[test-electron] ${msg}`);
const fail = (msg) => {
  console.error(`[test-electron] ${msg}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
};

const entry = join(root, 'out', 'test', 'integration', 'index.js');
for (const f of [join(root, 'dist', 'extension.js'), entry]) {
  if (!existsSync(f)) fail(`${f} is missing: run \`npm run build && npx tsc -p tsconfig.json\` first`);
}

let executable = process.env.PINPOINT_VSCODE_EXECUTABLE;
if (executable && !existsSync(executable)) fail(`PINPOINT_VSCODE_EXECUTABLE=${executable} does not exist`);
if (!executable) {
  const version = process.env.PINPOINT_VSCODE_VERSION ?? 'stable';
  say(`downloading desktop VS Code (${version}) into .vscode-test/ …`);
  try {
    executable = await downloadAndUnzipVSCode({ version, timeout: REQUEST_TIMEOUT_MS, cachePath: join(root, '.vscode-test') });
  } catch (e) {
    fail([
      `cannot download desktop VS Code (${version}) from update.code.visualstudio.com: ${e instanceof Error ? e.message : String(e)}`,
      'Without network access to that host (as on machines that reach only the npm registry), @vscode/test-electron cannot run.',
      'Run the same suites in a real VS Code through code-server instead:  node test/realvscode/run.mjs  (npm run test:vscode;',
      'packaged: node test/realvscode/vsix.mjs), or point PINPOINT_VSCODE_EXECUTABLE at a desktop VS Code already on disk.',
    ].join('\n                '));
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'pinpoint-electron-'));
const userData = join(tmp, 'user-data');
const workspace = prepareProfile(tmp, userData);
const resultsFile = join(tmp, 'results.json');
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
let code = 1;
{
  say(`VS Code ${executable}; workspace ${workspace}`);
  await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: root,
    extensionTestsPath: entry,
    // runTests adds --no-sandbox, --disable-workspace-trust, --disable-updates and the extension paths.
    launchArgs: [workspace, '--user-data-dir', userData, '--extensions-dir', join(tmp, 'extensions'), '--disable-gpu'],
    extensionTestsEnv: { PINPOINT_IT_RESULTS: resultsFile, PINPOINT_IT_WORKSPACE: workspace, PINPOINT_IT_EXTENSION_PATH: root },
  }).catch((e) => say(`VS Code exited with an error: ${e instanceof Error ? e.message : String(e)}`));
  if (!existsSync(resultsFile)) fail('the suites wrote no results (VS Code did not start, or the test module did not load)');
  const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
  for (const t of r.tests) console.log(`  ${t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-'} ${t.fullTitle}${t.error ? `\n      ${t.error.split('\n').join('\n      ')}` : ''}`);
  say(`VS Code ${r.vscodeVersion}; suites ${(r.durationMs / 1000).toFixed(1)}s`);
  console.log(`${r.passed} passed, ${r.failed} failed${r.pending ? `, ${r.pending} skipped` : ''}`);
  code = r.failed === 0 && r.tests.length > 0 ? 0 : 1;
}
process.exit(code);
