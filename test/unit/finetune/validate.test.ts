import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceToExample } from '../../../src/core/finetune/convert';
import { validateJsonl, formatValidation } from '../../../src/core/finetune/validate';
import { countExampleTokens, tokenLimitFor } from '../../../src/core/finetune/tokens';
import type { FtExample } from '../../../src/core/finetune/types';
import { GOOD_QUESTIONS, turn } from './traces';

const good = (i: number): FtExample => traceToExample(turn(`v-${i}`, { question: GOOD_QUESTIONS[i % GOOD_QUESTIONS.length], rating: 'up' }));
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
/** Ten good lines with `bad` as line `at` (1-based) — the only defect then is the one under test. */
function file(bad: unknown, at = 7): string {
  const lines = Array.from({ length: 10 }, (_, i) => JSON.stringify(good(i)));
  lines.splice(at - 1, 0, typeof bad === 'string' ? bad : JSON.stringify(bad));
  return lines.join('\n') + '\n';
}
const messages = (r: ReturnType<typeof validateJsonl>) => r.defects.map((d) => d.message);

test('validate: a clean file passes, with tokens per example and the training estimate', () => {
  const r = validateJsonl(Array.from({ length: 10 }, (_, i) => JSON.stringify(good(i))).join('\n'), { model: 'gpt-4o-mini-2024-07-18', epochs: 2 });
  assert.equal(r.ok, true, messages(r).join('\n'));
  assert.equal(r.examples, 10);
  assert.equal(r.tokens.length, 10);
  assert.deepEqual(r.tokenLimit, { limit: 65_536, source: 'table' });
  assert.equal(r.estimatedTrainingTokens, r.totalTokens * 2);
  assert.deepEqual(r.warnings, []);
  assert.match(formatValidation(r, 'train.jsonl'), /^train\.jsonl: OK — 10 examples/);
});

test('validate: broken tool_call_id (answer names a call nobody made, and the real call goes unanswered)', () => {
  const ex = clone(good(0));
  (ex.messages[3] as { tool_call_id: string }).tool_call_id = 'call_9';
  const r = validateJsonl(file(ex));
  assert.equal(r.ok, false);
  assert.deepEqual(messages(r), [
    'line 7: message 4 (tool) answers tool_call_id "call_9" that no assistant message made',
    'line 7: message 3 (assistant) makes tool call "v-0-c1" that no tool message answers',
  ]);
  assert.equal(r.validExamples, 10);
});

test('validate: orphan tool message (no assistant call before it), and a tool answer given twice', () => {
  const ex = clone(good(0));
  ex.messages.splice(2, 0, { role: 'tool', tool_call_id: 'call_x', content: 'stray' });
  assert.deepEqual(messages(validateJsonl(file(ex))), ['line 7: message 3 (tool) answers tool_call_id "call_x" that no assistant message made']);
  const twice = clone(good(0));
  twice.messages.splice(4, 0, clone(twice.messages[3]));
  assert.deepEqual(messages(validateJsonl(file(twice))), ['line 7: message 5 (tool) answers tool_call_id "v-0-c1" again (message 4 already did)']);
});

test('validate: missing final answer', () => {
  const ex = clone(good(0));
  ex.messages.pop();
  assert.deepEqual(messages(validateJsonl(file(ex, 3))), ['line 3: missing final answer: the last message (message 4 (tool)) must be an assistant message with content and no tool calls']);
  const empty = clone(good(0));
  (empty.messages[4] as { content: string }).content = '  ';
  assert.match(messages(validateJsonl(file(empty)))[0], /^line 7: message 5 \(assistant\): has neither content nor tool_calls/);
});

test('validate: over-long example against the model table and --max-tokens', () => {
  const ex = clone(good(0));
  (ex.messages[3] as { content: string }).content = 'word '.repeat(5000);
  const r = validateJsonl(file(ex), { model: 'gpt-3.5-turbo-0613' });
  assert.equal(r.defects.length, 1);
  assert.match(r.defects[0].message, /^line 7: \d+ tokens, over the 4096-token limit per example of gpt-3\.5-turbo-0613/);
  const n = countExampleTokens(good(1)).total;
  const tight = validateJsonl(file(good(1)), { maxTokens: n - 1 });
  assert.ok(tight.defects.every((d) => /over the \d+-token limit/.test(d.message)));
  assert.equal(validateJsonl(file(good(1)), { maxTokens: n + 200 }).ok, true);
  assert.deepEqual(tokenLimitFor('ft:gpt-4.1-mini-2025-04-14:acme::x'), { limit: 65_536, source: 'table' });
  assert.equal(tokenLimitFor('llama3').source, 'default');
  assert.match(validateJsonl(file(good(1)), { model: 'llama3' }).warnings[0], /assumed \(llama3 is not in the table\)/);
});

test('validate: invalid tool schemas, and calls of tools that are not defined', () => {
  const ex = clone(good(0));
  ex.tools![0].type = 'func' as 'function';
  ex.tools![1].function.name = 'read file!';
  ex.tools![2].function.parameters = { type: 'array' };
  ex.tools![3].function.parameters = { type: 'object', properties: { name: { type: 'string' } }, required: ['nme'] };
  assert.deepEqual(messages(validateJsonl(file(ex))), [
    'line 7: tool 1: "type" must be "function", got "func"',
    'line 7: tool 2: function name "read file!" must match ^[a-zA-Z0-9_-]{1,64}$',
    'line 7: tool 3 (find_symbol): parameters "type" must be "object", got "array"',
    'line 7: tool 4 (find_references): required "nme" is not in properties',
    'line 7: message 3 (assistant) tool call 1 ("v-0-c1") calls "read_file", which is not in "tools"',
  ]);
  const args = clone(good(0));
  (args.messages[2] as { tool_calls: { function: { arguments: string } }[] }).tool_calls[0].function.arguments = '{"path": ';
  assert.deepEqual(messages(validateJsonl(file(args))), ['line 7: message 3 (assistant) tool call 1 ("v-0-c1"): arguments are not valid JSON']);
});

test('validate: bad JSON line, wrong roles and order', () => {
  const r = validateJsonl(file('{"messages": [', 2));
  assert.equal(r.defects.length, 1);
  assert.match(r.defects[0].message, /^line 2: not valid JSON \(/);
  const order = clone(good(0));
  order.messages.splice(2, 0, { role: 'system', content: 'again' });
  assert.deepEqual(messages(validateJsonl(file(order))), ['line 7: message 3 (system): a system message may only come first']);
  const role = clone(good(0));
  (role.messages[1] as { role: string }).role = 'human';
  assert.ok(messages(validateJsonl(file(role))).includes('line 7: message 2 (human): unknown role "human"'));
  assert.deepEqual(messages(validateJsonl(file({ messages: [] }))), ['line 7: "messages" must be a non-empty array']);
});

test('validate: too few examples', () => {
  const r = validateJsonl([good(0), good(1), good(2)].map((e) => JSON.stringify(e)).join('\n'));
  assert.deepEqual(messages(r), ['3 examples; at least 10 are required']);
  assert.equal(r.defects[0].line, 0);
  assert.equal(validateJsonl(JSON.stringify(good(0)), { minExamples: 1 }).ok, true);
});
