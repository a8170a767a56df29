import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../helpers/paths';
import { OpenAITestServer } from '../../helpers/openaiTestServer';
import { tempDir } from '../../helpers/workspace';
import { installFineTuning } from './fakeFineTuning';
import { mixedStore } from './traces';

// The compiled CLI (tsc output), run as a child process: exit codes and output are the contract.
const cli = path.join(repoRoot, 'out', 'src', 'cli', 'main.js');
function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, XDG_CACHE_HOME: tempDir('ft-cache'), PINPOINT_API_KEY: 'sk-test-cli', OPENAI_API_KEY: '', OPENAI_BASE_URL: '', PINPOINT_BASE_URL: '' };
    execFile(process.execPath, [cli, ...args], { env, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

test('cli: finetune export writes train/validation/manifest from --traces; validate passes it', async () => {
  const { store } = await mixedStore();
  const ws = tempDir('ft-ws');
  const out = path.join(tempDir('ft-cli'), 'train.jsonl');
  const r = await run(['finetune', 'export', '--workspace', ws, '--traces', store.dir, '--out', out, '--val-fraction', '0.2']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /20 turn\(s\) read from .*: \d+ training, \d+ validation example\(s\)/);
  assert.match(r.stdout, /excluded unrated: 2/);
  assert.ok(existsSync(out) && existsSync(out.replace(/\.jsonl$/, '.manifest.json')));
  const all = readFileSync(out, 'utf8') + (existsSync(out.replace(/\.jsonl$/, '.val.jsonl')) ? readFileSync(out.replace(/\.jsonl$/, '.val.jsonl'), 'utf8') : '');
  assert.equal(all.trim().split('\n').length, 12);
  const both = path.join(path.dirname(out), 'all.jsonl');
  writeFileSync(both, all);
  const v = await run(['finetune', 'validate', both, '--model', 'gpt-4.1-mini-2025-04-14']);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /OK — 12 examples/);
  assert.match(v.stdout, /estimated training tokens: \d+ \(3 epochs\)/);
});

test('cli: the trace store defaults to <index dir>/traces; nothing qualifying exits 1 with one line', async () => {
  const { store } = await mixedStore();
  const ws = tempDir('ft-ws2');
  const idx = tempDir('ft-idx2');
  mkdirSync(path.join(idx, 'traces'), { recursive: true });
  writeFileSync(path.join(idx, 'traces', 'traces.jsonl'), readFileSync(store.file));
  const out = path.join(tempDir('ft-cli2'), 'd.jsonl');
  const ok = await run(['finetune', 'export', '--workspace', ws, '--index-dir', idx, '--out', out, '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((JSON.parse(ok.stdout) as { train: number; validation: number }).train + (JSON.parse(ok.stdout) as { validation: number }).validation, 12);
  const none = await run(['finetune', 'export', '--workspace', ws, '--traces', tempDir('empty'), '--out', out]);
  assert.equal(none.code, 1);
  assert.equal(none.stderr.trim().split('\n').length, 1);
  assert.match(none.stderr, /^pinpoint: no turn of .* qualifies \(0 read/);
  const usage = await run(['finetune', 'export', '--workspace', ws]);
  assert.equal(usage.code, 2);
});

test('cli: finetune validate exits 1 and lists the defects of an invalid file', async () => {
  const file = path.join(tempDir('ft-bad'), 'bad.jsonl');
  writeFileSync(file, '{"messages": [{"role": "user", "content": "q"}, {"role": "tool", "tool_call_id": "call_9", "content": "x"}]}\nnot json\n');
  const r = await run(['finetune', 'validate', file]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /line 1: message 2 \(tool\) answers tool_call_id "call_9" that no assistant message made/);
  assert.match(r.stdout, /line 2: not valid JSON/);
  assert.match(r.stdout, /2 examples; at least 10 are required/);
  assert.match(r.stderr, /^pinpoint: .*bad\.jsonl is not valid: 4 defect\(s\) \(listed above\)\n$/);
  assert.equal((await run(['finetune', 'validate', path.join(tempDir('x'), 'missing.jsonl')])).code, 1);
});

test('cli: start refuses an invalid file before uploading; start --follow --switch, then rollback', async () => {
  const server = await OpenAITestServer.start();
  const ft = installFineTuning(server);
  try {
    const bad = path.join(tempDir('ft-s'), 'bad.jsonl');
    writeFileSync(bad, '{"messages": []}\n');
    const refused = await run(['finetune', 'start', bad, '--model', 'gpt-4.1-mini-2025-04-14', '--base-url', server.baseURL]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /nothing was uploaded/);
    assert.equal(server.requestsTo('/v1/files').length, 0);

    const { store } = await mixedStore();
    const out = path.join(tempDir('ft-s2'), 'train.jsonl');
    assert.equal((await run(['finetune', 'export', '--workspace', tempDir('w'), '--traces', store.dir, '--out', out, '--val-fraction', '0'])).code, 0);
    const ws = tempDir('ft-ws3');
    const settings = path.join(tempDir('ft-set'), 'model.json');
    assert.equal((await run(['finetune', 'switch', 'gpt-4.1-mini', '--workspace', ws, '--settings', settings])).code, 0);
    ft.plans.push({ statuses: ['succeeded'], fineTunedModel: 'ft:gpt-4.1-mini-2025-04-14:acme:pinpoint:abc123' });
    const r = await run(['finetune', 'start', out, '--model', 'gpt-4.1-mini-2025-04-14', '--base-url', server.baseURL, '--follow', '--switch', '--workspace', ws, '--settings', settings]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /switched the assistant to ft:gpt-4\.1-mini-2025-04-14:acme:pinpoint:abc123/);
    assert.equal(server.requestsTo('/v1/files')[0].headers.authorization, 'Bearer sk-test-cli');
    assert.equal((JSON.parse(readFileSync(settings, 'utf8')) as { model: string }).model, 'ft:gpt-4.1-mini-2025-04-14:acme:pinpoint:abc123');
    const list = await run(['finetune', 'list', '--base-url', server.baseURL]);
    assert.match(list.stdout, /^ftjob-\d+\s+succeeded\s+gpt-4\.1-mini-2025-04-14 .*→ ft:gpt-4\.1-mini/);
    const back = await run(['finetune', 'rollback', '--workspace', ws, '--settings', settings]);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /^assistant model: gpt-4\.1-mini — /);
    assert.equal((await run(['finetune', 'rollback', '--workspace', ws, '--settings', settings])).code, 1);
  } finally {
    await server.close();
  }
});
