#!/usr/bin/env node
// Runs the real-VS Code suites (test/integration/*.test.ts) inside code-server's extension host, with the
// workbench opened headless in Debian's Chromium through playwright-core. See docs/real-vscode.md.
//
//   node test/realvscode/run.mjs            (after `npm run build` and `tsc -p tsconfig.json`)
//
// Environment:
//   PINPOINT_IT_GREP=text        only the tests whose full title contains text (mocha grep)
//   PINPOINT_IT_TIMEOUT_MS=n     overall bound, default 300000 (5 minutes)
//   PINPOINT_IT_KEEP=1           keep the temp dir (workspace copy, logs, user data) and print its path
//   PINPOINT_IT_HEADED=1         show the browser (needs a display)
//   PINPOINT_IT_EXTENSION_DIR=d  the extension under test (default: this repo); it must hold package.json,
//                                dist/ and out/test/integration/ (used to prove the harness fails on a broken build)
//   PINPOINT_IT_VSIX=file        packaged run (vsix.mjs): `code-server --install-extension file` into the run's
//                                extensions dir; the suites run from a test-harness extension and drive the
//                                installed copy. Screenshots go to screenshots/vsix/.
//   PINPOINT_IT_UNTRUSTED=1      (or --untrusted) workspace trust on, the fixture left untrusted (Restricted
//                                Mode); suites that need trust skip, untrusted.test.ts runs. Screenshots go to
//                                screenshots/untrusted/.
//   CI                           when set and the tools are missing, install them first (install.sh)
//
// Results flow: the test module (out/test/integration/index.js) writes $PINPOINT_IT_RESULTS (a JSON file in
// the temp dir) and prints "[pinpoint-it] …" console lines, which reach the page console and are echoed here.
// The driver also serves a small HTTP "UI bridge" ($PINPOINT_IT_DRIVER) through which suites in the extension
// host ask for Playwright actions on the workbench page: clicks, keys, text, screenshots, webview frames.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installVsix, makeHarness, prepareProfile, root, tools } from './setup.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const VSIX = process.env.PINPOINT_IT_VSIX ? resolve(process.env.PINPOINT_IT_VSIX) : undefined;
const UNTRUSTED = !!process.env.PINPOINT_IT_UNTRUSTED || process.argv.includes('--untrusted');
const mode = [VSIX && 'vsix', UNTRUSTED && 'untrusted'].filter(Boolean).join('-');
const screenshots = join(here, 'screenshots', mode);
const CHROMIUM = process.env.PINPOINT_IT_CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT_MS = Number(process.env.PINPOINT_IT_TIMEOUT_MS ?? 300_000);
const t0 = Date.now();
const say = (msg) => console.log(`[realvscode] ${msg}`);
const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;

// ---------------------------------------------------------------------------------------------- install
const installed = () =>
  existsSync(join(tools, '.installed')) &&
  existsSync(join(tools, 'node_modules', 'code-server', 'out', 'node', 'entry.js')) &&
  existsSync(join(tools, 'node_modules', 'playwright-core')) &&
  existsSync(CHROMIUM);

if (process.env.CI) {
  // CI: always (re)run the idempotent installer; it returns at once when the marker matches its versions.
  const r = spawnSync('bash', [join(here, 'install.sh')], { stdio: 'inherit' });
  if (r.status !== 0 || !installed()) {
    console.error('[realvscode] install.sh failed');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
} else if (!installed()) {
  console.log('real-VS Code suites skipped: code-server/Chromium not installed (install: bash test/realvscode/install.sh)');
  process.exit(0);
}

// The packaged run takes the suites from this repo's out/ (copied into the harness) and the extension from the VSIX.
const extensionDir = VSIX ? root : process.env.PINPOINT_IT_EXTENSION_DIR ?? root;
const entry = join(extensionDir, 'out', 'test', 'integration', 'index.js');
for (const f of [VSIX ?? join(extensionDir, 'dist', 'extension.js'), entry]) {
  if (!existsSync(f)) {
    console.error(`[realvscode] ${f} is missing: run \`${f === VSIX ? 'npm run package' : 'npm run build && npx tsc -p tsconfig.json'}\` first`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

const toolRequire = createRequire(join(tools, 'package.json'));
const { chromium } = toolRequire('playwright-core');

// ---------------------------------------------------------------------------------------------- state
const tmp = mkdtempSync(join(tmpdir(), 'pinpoint-rvsc-'));
const workspace = join(tmp, 'workspace');
const resultsFile = join(tmp, 'results.json');
const userData = join(tmp, 'user-data');
const extensionsDir = join(tmp, 'extensions');
// A fresh set of screenshots per run and mode: drop this mode's files from the last run (not the other modes' dirs).
for (const f of existsSync(screenshots) ? readdirSync(screenshots, { withFileTypes: true }) : []) {
  if (f.isFile()) rmSync(join(screenshots, f.name), { force: true });
}
let server; // code-server child
let browser;
let page;
let bridge;
let finalShot; // path of the end-of-run screenshot
let cleaning = false;
let code = 1; // the exit code; 0 only once the results say every test passed
const consoleLog = createWriteStream(join(tmp, 'page-console.log'));
const serverLogPath = join(tmp, 'code-server.log');

async function cleanup() {
  if (cleaning) return;
  cleaning = true;
  await Promise.race([browser?.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  if (server && server.exitCode === null) {
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* gone */ }
    await new Promise((r) => { server.once('exit', r); setTimeout(r, 3000); });
    try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  bridge?.close();
  bridge?.closeAllConnections?.();
  await new Promise((r) => consoleLog.end(r));
  if (code !== 0) {
    // Keep the evidence next to the screenshots (git-ignored) before the temp dir goes.
    mkdirSync(screenshots, { recursive: true });
    for (const f of ['page-console.log', 'code-server.log']) {
      try { cpSync(join(tmp, f), join(screenshots, f)); } catch { /* not written */ }
    }
    say(`logs saved: ${join(screenshots, 'page-console.log')}, ${join(screenshots, 'code-server.log')}`);
  }
  if (process.env.PINPOINT_IT_KEEP) say(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
// Last resort on any exit (an uncaught error, a closed stdout pipe): no code-server may outlive the driver.
process.on('exit', () => {
  if (server && server.exitCode === null) try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
  if (!cleaning && !process.env.PINPOINT_IT_KEEP) try { rmSync(tmp, { recursive: true, force: true }); } catch { /* busy */ }
});
process.stdout.on('error', () => {}); // EPIPE (e.g. `| head`): keep going so cleanup still runs
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { void cleanup().then(() => process.exit(130)); });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tail(file, lines = 40) {
  try { return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'); } catch { return '(none)'; }
}

// ---------------------------------------------------------------------------------------------- UI bridge
/** The frame an action targets: the workbench page, or the content frame of an extension's webview. */
async function resolveFrame({ webview, timeout = 10_000 }) {
  if (!webview) return page;
  const deadline = Date.now() + timeout;
  for (;;) {
    // A webview is an iframe (…/webview/browser/pre/index.html?…&extensionId=<id>…) whose child iframe
    // ("active-frame") holds the extension's HTML.
    const hosts = page.frames().filter((f) => {
      try { return new URL(f.url()).searchParams.get('extensionId')?.toLowerCase() === webview.toLowerCase(); } catch { return false; }
    });
    for (const host of hosts) {
      const inner = host.childFrames().find((c) => c.name() === 'active-frame') ?? host.childFrames()[0];
      if (inner && !inner.isDetached()) return inner;
    }
    if (Date.now() > deadline) {
      const owners = page.frames().map((f) => { try { return new URL(f.url()).searchParams.get('extensionId'); } catch { return null; } }).filter(Boolean);
      throw new Error(`no webview frame for ${webview} (webviews of: ${owners.join(', ') || 'none'}; ${page.frames().length} frames)`);
    }
    await sleep(200);
  }
}

async function screenshot(name) {
  mkdirSync(screenshots, { recursive: true });
  const file = join(screenshots, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file });
  return file;
}

let doneSignal;
const done = new Promise((r) => { doneSignal = r; });

const actions = {
  async screenshot({ name }) { return screenshot(name); },
  async click({ selector, ...o }) { await (await resolveFrame(o)).locator(selector).first().click({ timeout: o.timeout ?? 10_000 }); },
  async fill({ selector, text, ...o }) { await (await resolveFrame(o)).locator(selector).first().fill(text, { timeout: o.timeout ?? 10_000 }); },
  async type({ text }) { await page.keyboard.type(text, { delay: 10 }); },
  async press({ key }) { await page.keyboard.press(key); },
  async waitFor({ selector, state = 'visible', ...o }) {
    await (await resolveFrame(o)).locator(selector).first().waitFor({ state, timeout: o.timeout ?? 10_000 });
  },
  async text({ selector, ...o }) { return (await resolveFrame(o)).locator(selector).first().innerText({ timeout: o.timeout ?? 10_000 }); },
  async texts({ selector, ...o }) { return (await resolveFrame(o)).locator(selector).allInnerTexts(); },
  async evaluate({ expression, ...o }) { return (await resolveFrame(o)).evaluate(expression); },
  async frames() { return page.frames().map((f) => ({ name: f.name(), url: f.url() })); },
  async done(summary) {
    finalShot = await screenshot('workbench').catch((e) => { say(`screenshot failed: ${e.message}`); return undefined; });
    doneSignal(summary);
    return finalShot;
  },
};

function startBridge() {
  return new Promise((resolve) => {
    bridge = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', async () => {
        const name = (req.url ?? '/').slice(1).split('?')[0];
        let reply;
        try {
          if (!Object.hasOwn(actions, name)) throw new Error(`unknown action ${name}`);
          reply = { ok: true, value: await actions[name](body ? JSON.parse(body) : {}) };
        } catch (e) {
          reply = { ok: false, error: (e instanceof Error ? e.message : String(e)).replace(/\x1b\[[0-9;]*m/g, '') };
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply ?? { ok: true }));
      });
    });
    bridge.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${bridge.address().port}`));
  });
}

// ---------------------------------------------------------------------------------------------- run
async function main() {
  prepareProfile(tmp, userData, { untrusted: UNTRUSTED });
  const env = {
    ...process.env,
    // code-server would otherwise read/write ~/.config/code-server and ~/.local/share/code-server.
    XDG_CONFIG_HOME: join(tmp, 'xdg-config'),
    XDG_DATA_HOME: join(tmp, 'xdg-data'),
    // VS Code's IPC sockets (vscode-ipc-*.sock) go here instead of /tmp, so each run removes its own.
    XDG_RUNTIME_DIR: join(tmp, 'xdg-runtime'),
  };
  mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  // Dev run: the repo is the extension under test and holds the suites. Packaged run: the VSIX is installed
  // into the extensions dir code-server starts with, and a test-harness extension holds the suites.
  let devPath = extensionDir;
  let underTest = extensionDir;
  if (VSIX) {
    underTest = installVsix({ vsix: VSIX, extensionsDir, userData, tmp, env });
    devPath = makeHarness(join(tmp, 'harness'));
    say(`installed ${VSIX} → ${underTest}; suites run from the harness ${devPath}`);
  }
  if (UNTRUSTED) say('workspace trust enabled; the workspace is left untrusted (Restricted Mode)');

  const driverUrl = await startBridge();
  const port = await freePort();
  const origin = `127.0.0.1:${port}`;
  const serverLog = createWriteStream(serverLogPath);
  // Timeouts count from here: a first install (1–2 minutes on a fresh machine) must not use them up.
  const tSpawn = Date.now();
  server = spawn(process.execPath, [
    join(tools, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    '--auth', 'none', '--bind-addr', origin,
    '--disable-telemetry', '--disable-update-check', ...(UNTRUSTED ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override', '--disable-proxy', '--ignore-last-opened',
    '--config', join(tmp, 'config.yaml'),
    '--user-data-dir', userData, '--extensions-dir', extensionsDir,
    workspace,
  ], {
    cwd: tmp,
    detached: true, // own process group: cleanup kills code-server and its extension host together
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env,
      PINPOINT_IT_RESULTS: resultsFile,
      PINPOINT_IT_DRIVER: driverUrl,
      PINPOINT_IT_WORKSPACE: workspace,
      // Where the extension under test must be loaded from (the activation suite asserts it).
      PINPOINT_IT_EXTENSION_PATH: underTest,
      PINPOINT_IT_UNTRUSTED: UNTRUSTED ? '1' : '',
    },
  });
  server.stdout.pipe(serverLog);
  server.stderr.pipe(serverLog);
  server.on('exit', (code, sig) => { if (!cleaning) say(`code-server exited early (${code ?? sig})`); });

  // Ready when /healthz answers.
  for (;;) {
    if (server.exitCode !== null) throw new Error(`code-server did not start:\n${tail(serverLogPath)}`);
    if (Date.now() - tSpawn > 60_000) throw new Error(`code-server not ready after 60s:\n${tail(serverLogPath)}`);
    try { if ((await fetch(`http://${origin}/healthz`)).ok) break; } catch { /* not yet */ }
    await sleep(200);
  }
  const tServer = Date.now();
  say(`code-server ${origin} ready in ${secs(tServer - tSpawn)}`);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: !process.env.PINPOINT_IT_HEADED,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  page.on('console', (msg) => {
    const text = msg.text();
    consoleLog.write(`[${msg.type()}] ${text}\n`);
    const i = text.indexOf('[pinpoint-it]');
    if (i >= 0) console.log(`  ${text.slice(i + '[pinpoint-it] '.length).split('\n')[0]}`);
  });
  page.on('pageerror', (err) => consoleLog.write(`[pageerror] ${err.message}\n`));

  const ext = `vscode-remote://${origin}${devPath}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', ext],
    ['extensionTestsPath', `${ext}/out/test/integration/index.js`],
  ]);
  await page.goto(`http://${origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
  say(`workbench opened (${secs(Date.now() - tServer)}); running the suites`);

  // Wait for the results file (the source of truth); the bridge's `done` lets us screenshot first.
  const deadline = tSpawn + TIMEOUT_MS;
  let results;
  while (!results) {
    if (existsSync(resultsFile)) {
      try { results = JSON.parse(readFileSync(resultsFile, 'utf8')); } catch { /* being renamed in */ }
    }
    if (server.exitCode !== null) throw new Error(`code-server exited before the suites finished:\n${tail(serverLogPath)}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${secs(TIMEOUT_MS)} without results`);
    if (!results) await Promise.race([sleep(250), done]);
  }
  await Promise.race([done, sleep(3000)]);
  if (!finalShot) finalShot = await screenshot('workbench').catch(() => undefined);
  return results;
}

function report(results) {
  console.log('');
  for (const t of results.tests) {
    const mark = t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-';
    console.log(`  ${mark} ${t.fullTitle}${t.state === 'passed' ? ` (${t.durationMs}ms)` : ''}`);
    if (t.error) console.log(t.error.split('\n').map((l) => `      ${l}`).join('\n'));
  }
  console.log('');
  say(`VS Code ${results.vscodeVersion}; suites ${secs(results.durationMs)}, total ${secs(Date.now() - t0)}` +
    (finalShot ? `; screenshot ${finalShot}` : ''));
  return `${results.passed} passed, ${results.failed} failed${results.pending ? `, ${results.pending} skipped` : ''}`;
}

const hardStop = setTimeout(() => {
  console.error(`[realvscode] hard timeout after ${secs(TIMEOUT_MS + 30_000)}`);
  console.log('0 passed, 1 failed');
  try { if (server) process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
  process.exit(1);
}, TIMEOUT_MS + 30_000);
hardStop.unref();

// The closing line, 'N passed, N failed' alone on a line, is printed last, after cleanup's own messages.
let summary = '0 passed, 1 failed';
try {
  const results = await main();
  summary = report(results);
  code = results.failed === 0 && results.tests.length > 0 ? 0 : 1;
  if (!results.tests.length) say('no test ran (PINPOINT_IT_GREP matched nothing?)');
} catch (err) {
  console.error(`[realvscode] ${err instanceof Error ? err.message : String(err)}`);
  if (page) await screenshot('failure').then((f) => say(`screenshot ${f}`)).catch(() => {});
  console.error(`[realvscode] last code-server log lines:\n${tail(serverLogPath, 15)}`);
}
await cleanup();
console.log(summary);
process.exit(code);
