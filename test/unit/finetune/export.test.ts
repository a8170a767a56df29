import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TraceStore } from '../../../src/core/assistant/trace';
import { dedupe, exportDataset, splitOf, toJsonl, writeDataset } from '../../../src/core/finetune/dataset';
import { exclusionReason, traceToExample, trimToolResult } from '../../../src/core/finetune/convert';
import { validateJsonl } from '../../../src/core/finetune/validate';
import type { FtExample } from '../../../src/core/finetune/types';
import { tempDir } from '../../helpers/workspace';
import { FAKE_KEY, GOOD_QUESTIONS, mixedStore, turn } from './traces';

const ids = (r: { examples: { id: string }[] }) => r.examples.map((e) => e.id).sort();

test('export: selects exactly the 👍, fully verified, tool-error-free, finished turns; counts every exclusion', async () => {
  const { store, ids: by } = await mixedStore();
  const r = await exportDataset({ sources: [{ store }], valFraction: 0 });
  assert.deepEqual(ids(r), [...by.good].sort());
  assert.equal(r.read, 20);
  assert.deepEqual(r.excluded, { 'unverified-citation': 1, unrated: 2, 'no-citations': 1, 'tool-error': 1, 'round-limit': 1, error: 1, 'rated-down': 1 });
  assert.equal(r.train.length, 12);
  assert.equal(r.validation.length, 0);
});

test('export --include-unrated: adds unrated turns, still never 👎; the near-duplicate of a 👍 turn is dropped in its favour', async () => {
  const { store, ids: by } = await mixedStore();
  const r = await exportDataset({ sources: [{ store }], includeUnrated: true, valFraction: 0 });
  assert.deepEqual(ids(r), [...by.good, ...by.unrated].sort());
  assert.equal(r.excluded.duplicate, 1);
  assert.deepEqual(r.duplicates, [{ kept: 'good-0', dropped: 'dup' }]);
  assert.equal(r.excluded['rated-down'], 1);
});

test('export: written lines pass the validator; each is system, user, assistant→tool_calls, tool, final assistant, with tools', async () => {
  const { store } = await mixedStore();
  const r = await exportDataset({ sources: [{ store }], valFraction: 0.25 });
  const dir = tempDir('ft-out');
  const files = await writeDataset(r, path.join(dir, 'train.jsonl'), { valFraction: 0.25 });
  const all = readFileSync(files.trainFile, 'utf8') + (files.validationFile ? readFileSync(files.validationFile, 'utf8') : '');
  const report = validateJsonl(all, { model: 'gpt-4.1-mini-2025-04-14' });
  assert.equal(report.ok, true, report.defects.map((d) => d.message).join('\n'));
  assert.equal(report.examples, 12);
  assert.ok(report.totalTokens > 12 * 300, `tokens counted: ${report.totalTokens}`);
  const ex = JSON.parse(all.split('\n')[0]) as FtExample;
  assert.deepEqual(ex.messages.map((m) => m.role), ['system', 'user', 'assistant', 'tool', 'assistant']);
  const call = ex.messages[2] as Extract<FtExample['messages'][number], { role: 'assistant' }>;
  assert.equal(call.content, null);
  assert.deepEqual(call.tool_calls![0].function, { name: 'read_file', arguments: '{"path":"src/config.ts","startLine":1,"endLine":9}' });
  assert.equal(call.tool_calls![0].type, 'function');
  assert.deepEqual(ex.tools!.map((t) => t.function.name), ['search_code', 'read_file', 'find_symbol', 'find_references', 'list_files']);
  assert.equal(ex.parallel_tool_calls, true);
  const manifest = JSON.parse(readFileSync(files.manifestFile, 'utf8')) as { train: string[]; validation: string[]; excluded: Record<string, number> };
  assert.equal(manifest.train.length + manifest.validation.length, 12);
  assert.equal(manifest.excluded.unrated, 2);
});

test('export: the train/validation split is deterministic, by trace id', async () => {
  const { store } = await mixedStore();
  const a = await exportDataset({ sources: [{ store }], valFraction: 0.3 });
  const b = await exportDataset({ sources: [{ store }], valFraction: 0.3 });
  assert.deepEqual(a.examples.map((e) => [e.id, e.split]), b.examples.map((e) => [e.id, e.split]));
  assert.ok(a.validation.length > 0 && a.train.length > 0, `both sides used: ${a.train.length}/${a.validation.length}`);
  for (const e of a.examples) assert.equal(e.split, splitOf(e.id, 0.3));
  // A turn's side does not depend on what else is in the store.
  const alone = new TraceStore(tempDir('ft-one'));
  await alone.append({ ...turn('good-3', { question: GOOD_QUESTIONS[3], rating: 'up' }) });
  const c = await exportDataset({ sources: [{ store: alone }], valFraction: 0.3 });
  assert.equal(c.examples[0].split, a.examples.find((e) => e.id === 'good-3')!.split);
  assert.equal((await exportDataset({ sources: [{ store }], valFraction: 0 })).validation.length, 0);
  await assert.rejects(exportDataset({ sources: [{ store }], valFraction: 0.9 }), /between 0 and 0.5/);
});

test('export: a secret in a tool result or the answer never reaches the output (redact.ts), and unrated synthetic sources count', async () => {
  const store = new TraceStore(tempDir('ft-secret'));
  await store.append(turn('s1', { question: 'Where is the service key configured?', rating: null, toolExtra: `\n10| export const OPENAI_KEY = "${FAKE_KEY}";`, answerExtra: ` The key is ${FAKE_KEY}.` }));
  const r = await exportDataset({ sources: [{ store, includeUnrated: true }], valFraction: 0 });
  assert.equal(r.examples.length, 1);
  const out = toJsonl(r.train);
  assert.ok(!out.includes(FAKE_KEY), 'the key is gone');
  assert.match(out, /\[REDACTED:openai-key\]/);
});

test('export: near-duplicate rule — normalised equality or word-bigram Jaccard ≥ threshold', () => {
  const qs = ['How does parseConfig split each line?', 'how does `parseConfig` split each line', 'How does parseConfig split each line of text?', 'What does sendRequest retry on?'];
  const { kept, dropped } = dedupe(qs, (q) => q, 0.6);
  assert.deepEqual(kept, [qs[0], qs[3]]);
  assert.deepEqual(dropped.map((d) => d.dropped), [qs[1], qs[2]]);
  assert.deepEqual(dedupe(qs, (q) => q, 1).kept, [qs[0], qs[2], qs[3]]);
});

test('convert: a repaired turn keeps the repaired answer and drops the repair exchange; exclusion order', () => {
  const r = turn('rep', { question: 'How does parseConfig split each line?', rating: 'up', repaired: true });
  assert.equal(exclusionReason(r), undefined);
  const ex = traceToExample(r);
  assert.deepEqual(ex.messages.map((m) => m.role), ['system', 'user', 'assistant', 'tool', 'assistant']);
  assert.equal(ex.messages[4].content, r.answer);
  assert.ok(!JSON.stringify(ex).includes('failed verification'));
  assert.equal(exclusionReason({ ...r, model: 'offline' }), 'offline');
  assert.equal(exclusionReason({ ...r, rating: null }), 'unrated');
  assert.equal(exclusionReason({ ...r, rating: null }, { includeUnrated: true }), undefined);
});

test('convert: tool results over the budget are trimmed by lines, cited lines first, with a note saying so', () => {
  const lines = ['src/big.ts (lines 1-400 of 400):', ...Array.from({ length: 400 }, (_, i) => `${String(i + 1).padStart(3)}| const v${i + 1} = ${i + 1};`)];
  const text = lines.join('\n');
  const out = trimToolResult(text, 1000, (n) => n >= 300 && n <= 305);
  assert.ok(out.length < 1200, `trimmed to ${out.length}`);
  assert.match(out, /^src\/big\.ts \(lines 1-400 of 400\):/);
  for (let n = 300; n <= 305; n++) assert.ok(out.includes(`${n}| const v${n} = ${n};`), `cited line ${n} kept`);
  assert.match(out, /\n…\n/);
  assert.match(out, /\[trimmed for the training set: \d+ of \d+ characters kept\]$/);
  assert.equal(trimToolResult('short', 1000), 'short');
});

test('writeDataset: no validation file when the split is empty', async () => {
  const { store } = await mixedStore();
  const r = await exportDataset({ sources: [{ store }], valFraction: 0 });
  const files = await writeDataset(r, path.join(tempDir('ft-out2'), 'd.jsonl'));
  assert.equal(files.validationFile, undefined);
  assert.equal(existsSync(files.trainFile.replace(/\.jsonl$/, '.val.jsonl')), false);
  assert.equal(readFileSync(files.trainFile, 'utf8').trim().split('\n').length, 12);
});
