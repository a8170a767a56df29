import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { openWorkspaceIndex, type WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { workspaceFromIndex } from '../../../src/core/assistant/workspace';
import type { AssistantWorkspace } from '../../../src/core/assistant/types';
import { evalAnswers, formatEvalAnswers, loadQuestions, percentile } from '../../../src/core/finetune/evalAnswers';
import { traceToExample } from '../../../src/core/finetune/convert';
import { registerEvalAnswers } from '../../../src/cli/commands/evalAnswers';
import { chatReply, OpenAITestServer, type ChatRequestBody, type ReplyFn } from '../../helpers/openaiTestServer';
import { makeWorkspace, SAMPLE_FILES, tempDir } from '../../helpers/workspace';
import { turn } from './traces';

let root: string;
let indexDir: string;
let index: WorkspaceIndex;
let workspace: AssistantWorkspace;
before(async () => {
  root = makeWorkspace(SAMPLE_FILES);
  indexDir = tempDir('ft-eval-idx');
  index = await openWorkspaceIndex({ root, indexDir, owner: 'test', workers: 0 });
  await index.indexer.indexAll();
  workspace = { ...workspaceFromIndex(index), retriever: { search: async () => [] } };
});
after(() => index?.close());

/** 'base' answers at once with a citation it never read; the fine-tuned model reads, then cites what it read. */
const twoModels: ReplyFn = (req) => {
  const body = req.json as ChatRequestBody;
  const usage = { prompt_tokens: 200, completion_tokens: 30 };
  if (body.model === 'base') return chatReply({ content: 'It parses lines [src/config.ts:2-9].', usage })(req);
  const last = body.messages[body.messages.length - 1];
  if (last.role === 'tool') return chatReply({ content: '`parseConfig` splits each line [src/config.ts:2-9].', usage })(req);
  return chatReply({ toolCalls: [{ name: 'read_file', arguments: { path: 'src/config.ts', startLine: 1, endLine: 9 } }, { name: 'read_file', arguments: { path: 'nope.ts', startLine: null, endLine: null } }], usage })(req);
};

test('eval answers: the same questions through both models, metrics side by side', async () => {
  const server = await OpenAITestServer.start();
  try {
    server.route('POST', '/v1/chat/completions', twoModels);
    const cfg = { baseURL: server.baseURL, apiKey: 'k', timeoutMs: 5000, initialBackoffMs: 5 };
    const report = await evalAnswers({
      questions: ['How is config parsed?', 'Where are values trimmed?'],
      models: [{ ...cfg, model: 'base' }, { ...cfg, model: 'ft:gpt-4.1-mini:acme::x' }],
      workspace,
      settings: { repairRounds: 0 },
    });
    const [base, ft] = report.models;
    assert.equal(base.model, 'base');
    assert.equal(base.citationValidity, 0);
    assert.equal(base.citations, 2);
    assert.equal(base.toolCalls, 0);
    assert.equal(base.meanRounds, 0);
    assert.equal(ft.citationValidity, 1);
    assert.equal(ft.groundedness, 1);
    assert.equal(ft.cited, 1);
    assert.equal(ft.toolCalls, 4);
    assert.equal(ft.toolCallSuccess, 0.5);
    assert.equal(ft.meanRounds, 1);
    assert.equal(ft.meanTokens, 460);
    assert.equal(ft.answered, 2);
    assert.ok(ft.latencyP95Ms >= ft.latencyP50Ms);
    assert.deepEqual(report.results[0].turns.map((t) => t && t.verified), [0, 1]);
    const table = formatEvalAnswers(report);
    assert.match(table, /citation validity\s+0\.0% of 2\s+100\.0% of 2/);
    assert.match(table, /tool-call success\s+0\.0% of 0\s+50\.0% of 4/);
  } finally {
    await server.close();
  }
});

test('eval answers: questions from {question} lines or a fine-tuning split; percentile', async () => {
  const dir = tempDir('ft-q');
  const q = path.join(dir, 'q.jsonl');
  writeFileSync(q, '{"question": "How is config parsed?"}\n\n{"question": "Why trim?"}\n');
  assert.deepEqual(await loadQuestions(q), ['How is config parsed?', 'Why trim?']);
  const split = path.join(dir, 'train.val.jsonl');
  writeFileSync(split, JSON.stringify(traceToExample(turn('e1', { question: 'Where are values trimmed?', rating: 'up' }))) + '\n');
  assert.deepEqual(await loadQuestions(split), ['Where are values trimmed?']);
  writeFileSync(q, '{"question": "ok"}\n{"nope": 1}\n');
  await assert.rejects(loadQuestions(q), /line 2 has no question/);
  assert.equal(percentile([5, 1, 4, 2, 3], 50), 3);
  assert.equal(percentile([5, 1, 4, 2, 3], 95), 5);
  assert.equal(percentile([], 50), 0);
});

test('eval answers: the CLI command (registerEvalAnswers) prints the side-by-side table', async () => {
  const server = await OpenAITestServer.start();
  const q = path.join(tempDir('ft-cli-q'), 'q.jsonl');
  writeFileSync(q, '{"question": "How is config parsed?"}\n');
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  try {
    server.route('POST', '/v1/chat/completions', twoModels);
    const program = new Command('pinpoint').exitOverride();
    registerEvalAnswers(program.command('eval')).exitOverride();
    await index.close(); // the command opens the index itself
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    await program.parseAsync(['eval', 'answers', '--model', 'base', '--model', 'ft:x', '--questions', q, '--workspace', root, '--index-dir', indexDir, '--base-url', server.baseURL, '--workers', '0'], { from: 'user' });
  } finally {
    process.stdout.write = write;
    await server.close();
    index = await openWorkspaceIndex({ root, indexDir, owner: 'test', workers: 0 });
  }
  const text = out.join('');
  assert.match(text, /^1 question\(s\)/);
  assert.match(text, /\s+base\s+ft:x\n/);
  assert.match(text, /answered\s+1\/1\s+1\/1/);
});
