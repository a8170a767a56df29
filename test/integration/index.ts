// Entry point of the real-VS Code suites. It runs INSIDE the VS Code extension host (code-server's, started by
// test/realvscode/run.mjs with `extensionTestsPath` pointing at out/test/integration/index.js), so the suites
// may import `vscode`. VS Code calls run(); it runs every out/test/integration/*.test.js under mocha (tdd UI)
// and hands the outcome to the driver:
//   1. a results JSON file at $PINPOINT_IT_RESULTS (written atomically; the driver polls for it), and
//   2. one console line per test, prefixed "[pinpoint-it]" (the driver echoes them live when it sees them),
//   3. a POST /done to the driver's bridge ($PINPOINT_IT_DRIVER), which takes the final screenshot before
//      run() returns (after that VS Code tears the extension host down).
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadMocha, type Runner } from './mocha';
import { ui } from './ui';

export interface TestRecord {
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

export interface Results {
  done: true;
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  vscodeVersion: string;
  tests: TestRecord[];
}

const PREFIX = '[pinpoint-it]';

function writeResults(results: Results): void {
  const file = process.env.PINPOINT_IT_RESULTS;
  if (!file) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(results, null, 2));
  renameSync(tmp, file);
}

function errorText(err: unknown): string {
  if (err instanceof Error) return (err.stack ?? `${err.name}: ${err.message}`).split('\n').slice(0, 8).join('\n');
  return String(err);
}

export async function run(): Promise<void> {
  const Mocha = loadMocha();
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, reporter: 'base' });
  const grep = process.env.PINPOINT_IT_GREP;
  if (grep) mocha.grep(grep);
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  const tests: TestRecord[] = [];
  const started = Date.now();
  console.log(`${PREFIX} start vscode=${vscode.version} node=${process.version} files=${files.join(',')}`);

  await new Promise<void>((resolve) => {
    let runner: Runner;
    try {
      runner = mocha.run(() => resolve());
    } catch (err) {
      // A suite file that throws while loading: report it as one failed test.
      tests.push({ fullTitle: 'loading the test files', state: 'failed', durationMs: 0, error: errorText(err) });
      resolve();
      return;
    }
    runner.on('pass', (t) => {
      tests.push({ fullTitle: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 });
      console.log(`${PREFIX} pass ${t.fullTitle()} (${t.duration ?? 0}ms)`);
    });
    runner.on('fail', (t, err) => {
      tests.push({ fullTitle: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: errorText(err) });
      console.log(`${PREFIX} fail ${t.fullTitle()}: ${err instanceof Error ? err.message : String(err)}`);
    });
    runner.on('pending', (t) => {
      tests.push({ fullTitle: t.fullTitle(), state: 'pending', durationMs: 0 });
      console.log(`${PREFIX} skip ${t.fullTitle()}`);
    });
  });

  const results: Results = {
    done: true,
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed').length,
    pending: tests.filter((t) => t.state === 'pending').length,
    durationMs: Date.now() - started,
    vscodeVersion: vscode.version,
    tests,
  };
  writeResults(results);
  console.log(`${PREFIX} done ${results.passed} passed, ${results.failed} failed`);
  // Let the driver screenshot the workbench while the extension host is still up.
  if (ui.available) await ui.call('done', { passed: results.passed, failed: results.failed }).catch(() => undefined);
  if (results.failed > 0) throw new Error(`${results.failed} real-VS Code test(s) failed`);
}
