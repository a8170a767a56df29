// What a real-VS Code run needs before the editor starts, shared by the code-server driver (run.mjs) and the
// desktop runner (scripts/test-electron.mjs): the workspace copy, the user settings, and for the packaged run the
// VSIX installed into the extensions dir plus the small test-harness extension the suites run from.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const tools = join(root, 'test', 'realvscode', '.tools');
/** The extension under test (package.json's publisher.name). */
export const EXTENSION_ID = (() => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return `${pkg.publisher}.${pkg.name}`;
})();
export const HARNESS_ID = 'pinpoint-dev.pinpoint-it-harness';

/**
 * Copies the fixture workspace to `<tmp>/workspace` and writes the user settings of `<userData>/User`.
 * `untrusted`: workspace trust stays on and nothing asks to trust the folder, so it opens in Restricted Mode.
 */
export function prepareProfile(tmp, userData, { untrusted = false } = {}) {
  const workspace = join(tmp, 'workspace');
  cpSync(join(root, 'test', 'integration', 'fixture-workspace'), workspace, { recursive: true });
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'security.workspace.trust.enabled': untrusted,
    ...(untrusted ? { 'security.workspace.trust.startupPrompt': 'never' } : {}),
    'git.enabled': false,
    'window.restoreWindows': 'none',
  }, null, 2));
  return workspace;
}

/**
 * Installs a .vsix the way a user does, `code-server --install-extension`, into `extensionsDir` (the dir
 * code-server is then started with). Returns the installed extension's folder.
 */
export function installVsix({ vsix, extensionsDir, userData, tmp, env }) {
  const args = [join(tools, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    '--install-extension', vsix, '--extensions-dir', extensionsDir, '--user-data-dir', userData, '--config', join(tmp, 'config.yaml')];
  const r = spawnSync(process.execPath, args, { cwd: tmp, env, encoding: 'utf8', timeout: 120_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.status !== 0 || !/successfully installed/.test(out)) throw new Error(`code-server --install-extension ${vsix} failed (${r.status ?? r.signal}):\n${out}`);
  const dirs = existsSync(extensionsDir) ? readdirSync(extensionsDir).filter((d) => d.toLowerCase().startsWith(`${EXTENSION_ID.toLowerCase()}-`)) : [];
  if (dirs.length !== 1) throw new Error(`expected one ${EXTENSION_ID}-<version> in ${extensionsDir}, found: ${dirs.join(', ') || 'none'}`);
  return join(extensionsDir, dirs[0]);
}

/**
 * The test-harness extension of the packaged run: a manifest, an empty entry point and a copy of the compiled
 * suites in out/. It is the extensionDevelopmentPath, so the suites' `vscode` API is the harness's own; they
 * drive the INSTALLED extension through `vscode.extensions.getExtension` and the UI. The entry point is never
 * activated (no activation events), but VS Code binds `require('vscode')` to an extension by path only for
 * extensions that have one; without it the suites would get the API of "nullExtensionDescription".
 * mocha comes from the tool folder (test/integration/mocha.ts looks there, relative to out/).
 */
export function makeHarness(dir) {
  mkdirSync(dir, { recursive: true });
  const [publisher, name] = HARNESS_ID.split('.');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name, publisher, displayName: 'Pinpoint test harness', version: '0.0.0', private: true,
    description: 'Runs the real-VS Code suites against the installed Pinpoint extension.',
    engines: { vscode: '^1.90.0' }, main: './harness.js',
  }, null, 2));
  writeFileSync(join(dir, 'harness.js'), 'exports.activate = () => undefined;\n');
  for (const part of ['test', 'src']) cpSync(join(root, 'out', part), join(dir, 'out', part), { recursive: true });
  mkdirSync(join(dir, 'test', 'realvscode'), { recursive: true });
  symlinkSync(tools, join(dir, 'test', 'realvscode', '.tools'));
  return dir;
}
