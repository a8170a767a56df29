import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { workspaceFromIndex } from '../../../src/core/assistant/workspace';
import { TraceStore } from '../../../src/core/assistant/trace';
import type { AssistantWorkspace, ModelConfig } from '../../../src/core/assistant/types';
import { exportDataset } from '../../../src/core/finetune/dataset';
import { sampleSymbols } from '../../../src/core/finetune/sample';
import { parseQuestions, synthesize } from '../../../src/core/finetune/synthesize';
import { validateJsonl } from '../../../src/core/finetune/validate';
import { toJsonl } from '../../../src/core/finetune/dataset';
import { chatBodies, chatReply, OpenAITestServer } from '../../helpers/openaiTestServer';
import { indexedWorkspace, makeWorkspace, SAMPLE_FILES, tempDir } from '../../helpers/workspace';

let index: WorkspaceIndex;
let workspace: AssistantWorkspace;
before(async () => {
  index = await indexedWorkspace(makeWorkspace(SAMPLE_FILES), 'ft-idx');
  // No context pack: what the teacher sees comes from its tool calls only.
  workspace = { ...workspaceFromIndex(index), retriever: { search: async () => [] } };
});
after(() => index.close());

const teacher = (baseURL: string): ModelConfig => ({ baseURL, model: 'teacher-model', apiKey: 'k', initialBackoffMs: 5, maxBackoffMs: 20, timeoutMs: 5000 });
const usage = { prompt_tokens: 100, completion_tokens: 20 };

test('sample: deterministic for a seed, definitions only, spread across files first', () => {
  const a = sampleSymbols(index.indexer.store, 4, { seed: 7 });
  assert.deepEqual(sampleSymbols(index.indexer.store, 4, { seed: 7 }), a);
  assert.equal(a.length, 4);
  assert.equal(new Set(a.slice(0, 3).map((s) => s.path)).size, 3, 'the first round takes one symbol per file');
  assert.ok(a.every((s) => !['block', 'section', 'module'].includes(s.kind)));
  assert.notDeepEqual(sampleSymbols(index.indexer.store, 4, { seed: 8 }).map((s) => s.qualifiedName), a.map((s) => s.qualifiedName));
});

test('synthesize: keeps only the trace whose citations verify and cite the sampled symbol', async () => {
  const server = await OpenAITestServer.start();
  try {
    const [s1, s2, s3] = sampleSymbols(workspace.index, 3, { seed: 3 });
    const cite = (s: typeof s1) => `[${s.path}:${s.startLine}-${s.endLine}]`;
    server.script('/v1/chat/completions', [
      // Symbol 1: a question, a read of the symbol, an answer citing what was read → kept.
      chatReply({ content: `\`\`\`json\n{"questions": ["How does ${s1.name} work?"]}\n\`\`\``, usage }),
      chatReply({ toolCalls: [{ id: 'r1', name: 'read_file', arguments: { path: s1.path, startLine: s1.startLine, endLine: s1.endLine } }], usage }),
      chatReply({ content: `It is defined here ${cite(s1)}.`, usage }),
      // Symbol 2: answered without reading anything: the citation does not verify → rejected.
      chatReply({ content: `{"questions": ["What does ${s2.name} do?"]}`, usage }),
      chatReply({ content: `It does its job ${cite(s2)}.`, usage }),
      // Symbol 3: verified, but cites another symbol's lines → rejected.
      chatReply({ content: `{"questions": ["Where is ${s3.name} used?"]}`, usage }),
      chatReply({ toolCalls: [{ id: 'r3', name: 'read_file', arguments: { path: s1.path, startLine: s1.startLine, endLine: s1.endLine } }], usage }),
      chatReply({ content: `See ${cite(s1)}.`, usage }),
    ]);
    const store = new TraceStore(tempDir('ft-synth'), 'synthetic.jsonl');
    const progress: string[] = [];
    const res = await synthesize({
      workspace, teacher: teacher(server.baseURL), maxExamples: 5, maxSymbols: 3, seed: 3, store, settings: { repairRounds: 0 }, onProgress: (p) => progress.push(p.message),
    });
    assert.equal(server.pending('/v1/chat/completions'), 0, 'every scripted reply was used');
    assert.deepEqual(res.kept.map((k) => k.question), [`How does ${s1.name} work?`]);
    assert.deepEqual(res.rejected, { 'unverified-citation': 1, 'misses-symbol': 1 });
    assert.equal(res.symbols, 3);
    assert.equal(res.tried, 3);
    assert.equal(res.tokens, 8 * 120);
    assert.equal(res.stoppedBy, 'symbols');
    assert.ok(progress.some((m) => m.startsWith('kept 1/5')));
    // The question prompt showed the teacher the symbol's code (redacted) and no tools.
    const first = chatBodies(server)[0];
    assert.equal(first.tools, undefined);
    assert.match(String(first.messages[1].content), new RegExp(`File: ${s1.path.replace(/[.]/g, '\\.')}`));
    // Only the kept turn is in the store, and it exports to a valid example.
    const { records } = await store.read();
    assert.deepEqual(records.map((r) => r.question), [`How does ${s1.name} work?`]);
    const ex = await exportDataset({ sources: [{ store, includeUnrated: true }], valFraction: 0 });
    assert.equal(ex.train.length, 1);
    const report = validateJsonl(toJsonl(ex.train), { minExamples: 1, model: 'gpt-4.1-mini' });
    assert.equal(report.ok, true, report.defects.map((d) => d.message).join('\n'));
  } finally {
    await server.close();
  }
});

test('synthesize: stops at the token budget, and returns what it has when cancelled', async () => {
  const server = await OpenAITestServer.start();
  try {
    server.route('POST', '/v1/chat/completions', chatReply({ content: '{"questions": ["How is this used anywhere?"]}', usage: { prompt_tokens: 900, completion_tokens: 100 } }));
    const byTokens = await synthesize({ workspace, teacher: teacher(server.baseURL), maxExamples: 5, maxTokens: 1500, seed: 1, settings: { repairRounds: 0 } });
    assert.equal(byTokens.stoppedBy, 'tokens');
    assert.equal(byTokens.tokens, 2000, 'question (1000) + one turn (1000), then the budget is spent');
    const ctl = new AbortController();
    const cancelled = await synthesize({ workspace, teacher: teacher(server.baseURL), maxExamples: 5, seed: 1, signal: ctl.signal, onProgress: (p) => p.message.startsWith('answering') && ctl.abort() });
    assert.equal(cancelled.stoppedBy, 'cancelled');
    assert.equal(cancelled.kept.length, 0);
  } finally {
    await server.close();
  }
});

test('parseQuestions: JSON object, array, fenced JSON, or a list', () => {
  assert.deepEqual(parseQuestions('{"questions": ["How does A work?", "x"]}'), ['How does A work?']);
  assert.deepEqual(parseQuestions('["Why is B slow?"]'), ['Why is B slow?']);
  assert.deepEqual(parseQuestions('Sure:\n```json\n{"questions": ["Where is C set?"]}\n```'), ['Where is C set?']);
  assert.deepEqual(parseQuestions('1. How does D retry?\n- What calls E directly?'), ['How does D retry?', 'What calls E directly?']);
});
