import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { runTurn } from '../../../src/core/assistant/agent';
import { AssistantError } from '../../../src/core/assistant/errors';
import { ModelClient } from '../../../src/core/assistant/modelClient';
import { TOOL_SPECS } from '../../../src/core/assistant/tools';
import { TraceStore } from '../../../src/core/assistant/trace';
import type { AssistantWorkspace } from '../../../src/core/assistant/types';
import { chatBodies, chatReply, chatSSEEvents, OpenAITestServer } from '../../helpers/openaiTestServer';
import { tempDir } from '../../helpers/workspace';
import { modelConfig, openFixture, type Fixture } from './fixture';

let fx: Fixture;
let server: OpenAITestServer;
let ws: AssistantWorkspace;
before(async () => {
  fx = await openFixture();
  ws = { ...fx.workspace, retriever: { search: async () => [] } };
  server = await OpenAITestServer.start();
});
after(async () => {
  await server.close();
  await fx.close();
});
beforeEach(() => server.reset());

const ROUTE = '/v1/chat/completions';
const userMsg = [{ role: 'user' as const, content: 'hi' }];
const client = (o = {}) => new ModelClient(modelConfig(server.baseURL, o));

async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<AssistantError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AssistantError, `expected AssistantError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail('expected a rejection');
}

test('client: 429 with retry-after-ms, then success', async () => {
  server.script(ROUTE, [{ status: 429, headers: { 'retry-after-ms': '10' }, json: { error: { message: 'slow down' } } }, chatReply({ content: 'ok' })]);
  const res = await client().chat({ messages: userMsg, tools: [] });
  assert.equal(res.content, 'ok');
  assert.equal(server.requestsTo(ROUTE).length, 2);
});

test('client: 503 retried; persistent 429 gives up with a clear message', async () => {
  server.script(ROUTE, [{ status: 503, json: { error: { message: 'busy' } } }, chatReply({ content: 'ok' })]);
  assert.equal((await client().chat({ messages: userMsg, tools: [] })).content, 'ok');
  server.reset();
  server.script(ROUTE, [0, 1, 2].map(() => ({ status: 429, json: { error: { message: 'quota' } } })));
  await rejectsWith(client({ maxRetries: 2 }).chat({ messages: userMsg, tools: [] }), 'rate-limited', /rate limited by model server at .*: quota — try again later \(after 2 retries\)/);
  assert.equal(server.requestsTo(ROUTE).length, 3);
});

test('client: no answer within the timeout → a timeout error; a stream that goes silent too', async () => {
  server.script(ROUTE, [{ hang: true }]);
  await rejectsWith(client({ timeoutMs: 150, maxRetries: 0 }).chat({ messages: userMsg, tools: [] }), 'timeout', /timed out after 150 ms/);
  server.script(ROUTE, [{ sse: chatSSEEvents({ content: ['a', 'b'] }), chunkDelayMs: 1000 }]);
  const t0 = Date.now();
  await rejectsWith(client({ timeoutMs: 200, maxRetries: 0 }).chat({ messages: userMsg, tools: [] }), 'timeout', /went silent for 200 ms/);
  assert.ok(Date.now() - t0 < 900);
});

test('client: a stream cut short before any text is retried', async () => {
  const first = `data: ${JSON.stringify(chatSSEEvents({ content: 'x' })[0])}\n\n`;
  server.script(ROUTE, [{ chunks: [first], headers: { 'content-type': 'text/event-stream' }, destroy: true }, chatReply({ content: 'whole' })]);
  assert.equal((await client().chat({ messages: userMsg, tools: [] })).content, 'whole');
  server.script(ROUTE, [chatReply({ content: 'no end', finishReason: null, noDone: true })]);
  await rejectsWith(client({ maxRetries: 0 }).chat({ messages: userMsg, tools: [] }), 'bad-response', /ended early/);
});

test('client: server down → one clear message; the failed turn is traced', async () => {
  const dead = await OpenAITestServer.start();
  const url = dead.baseURL;
  await dead.close();
  const traces = new TraceStore(tempDir('trace'));
  const e = await rejectsWith(runTurn({ question: 'q', workspace: ws, model: modelConfig(url), trace: traces }), 'unreachable');
  assert.equal(e.message, `cannot reach model server at ${url}: ECONNREFUSED — is it running?`);
  const { records } = await traces.read();
  assert.equal(records.length, 1);
  assert.deepEqual(records[0].error, { code: 'unreachable', message: e.message });
});

test('client: 401 names the problem and never echoes the key', async () => {
  server.script(ROUTE, [{ status: 401, json: { error: { message: 'Incorrect API key provided: test-key' } } }]);
  const e = await rejectsWith(client().chat({ messages: userMsg, tools: [] }), 'auth', /check the API key/);
  assert.ok(!e.message.includes('test-key'));
});

test('client: cancellation mid-stream rejects promptly with an abort error', async () => {
  server.script(ROUTE, [{ sse: chatSSEEvents({ content: ['a', 'b', 'c', 'd'] }), chunkDelayMs: 300 }]);
  const ac = new AbortController();
  const got: string[] = [];
  setTimeout(() => ac.abort(), 400);
  const t0 = Date.now();
  await rejectsWith(client().chat({ messages: userMsg, tools: [], signal: ac.signal, onText: (d) => got.push(d) }), 'aborted');
  assert.ok(Date.now() - t0 < 700);
  assert.ok(got.length >= 1 && got.length < 4);
});

test('client: non-streamed mode returns tool calls and usage', async () => {
  server.script(ROUTE, [chatReply({ toolCalls: [{ id: 'a', name: 'read_file', arguments: { path: 'x' } }], usage: { prompt_tokens: 3, completion_tokens: 4 } })]);
  const res = await client({ stream: false }).chat({ messages: userMsg, tools: TOOL_SPECS });
  assert.equal(chatBodies(server)[0].stream, false);
  assert.deepEqual(res.toolCalls, [{ id: 'a', name: 'read_file', arguments: '{"path":"x"}' }]);
  assert.deepEqual(res.usage, { promptTokens: 3, completionTokens: 4, totalTokens: 7 });
});

const block = (o: unknown) => '```json\n' + JSON.stringify(o) + '\n```';

test('client: a server rejecting `tools` → prompt mode for good; the fenced JSON call is parsed and answered', async () => {
  server.script(ROUTE, [
    { status: 400, json: { error: { message: 'this model does not support tools' } } },
    chatReply({ content: ['I will read it.\n', block({ tool_calls: [{ name: 'read_file', arguments: { path: 'src/config.ts', startLine: 1, endLine: 9 } }] }).slice(0, 20), block({ tool_calls: [{ name: 'read_file', arguments: { path: 'src/config.ts', startLine: 1, endLine: 9 } }] }).slice(20)] }),
    chatReply({ content: '`parseConfig` parses [src/config.ts:2-9].' }),
  ]);
  const model = client();
  const texts: string[] = [];
  const r = await runTurn({ question: 'q', workspace: ws, model, callbacks: { onText: (d) => texts.push(d) } });
  const bodies = chatBodies(server);
  assert.equal(bodies.length, 3);
  assert.ok(bodies[0].tools && !bodies[1].tools && !bodies[2].tools);
  assert.match(String(bodies[1].messages[0].content), /## Tools[\s\S]*### read_file/);
  const last = bodies[2].messages[bodies[2].messages.length - 1];
  assert.equal(last.role, 'user');
  assert.match(String(last.content), /^Result of tool call pcall_1:\nsrc\/config\.ts \(lines 1-9 of 20\):\n1\| \/\*\* Loads/);
  assert.ok(!bodies[2].messages.some((m) => m.role === 'tool'));
  assert.equal(model.toolMode, 'prompt');
  assert.equal(r.toolMode, 'prompt');
  assert.equal(r.rounds, 1);
  assert.deepEqual(r.citations.map((c) => c.status), ['verified']);
  assert.ok(!texts.join('').includes('tool_calls'), 'the tool-call block is not streamed to the user');
  assert.ok(texts.join('').startsWith('I will read it.'));
});

test('client: prompt mode parses strictly — a broken block gets a protocol error, parallel calls run', async () => {
  server.script(ROUTE, [
    chatReply({ content: block({ tool_calls: [{ name: 'read_file', arguments: { path: 'README.md' } }], extra: 1 }) }),
    chatReply({ content: block({ tool_calls: [{ name: 'find_symbol', arguments: { name: 'ConfigStore' } }, { name: 'list_files', arguments: { glob: '*.md' } }] }) }),
    chatReply({ content: '`ConfigStore` holds values [src/config.ts:11-20].' }),
  ]);
  const r = await runTurn({ question: 'q', workspace: ws, model: modelConfig(server.baseURL, { toolMode: 'prompt' }) });
  const bodies = chatBodies(server);
  assert.equal(bodies.length, 3);
  assert.ok(bodies.every((b) => !b.tools));
  const err = bodies[1].messages[bodies[1].messages.length - 1];
  assert.match(String(err.content), /could not be parsed: tool call object must have exactly one key "tool_calls"/);
  const results = String(bodies[2].messages[bodies[2].messages.length - 1].content);
  assert.match(results, /Result of tool call pcall_1:\n1 definition\(s\) of "ConfigStore"/);
  assert.match(results, /Result of tool call pcall_2:\n2 indexed file\(s\) match "\*\.md"/);
  assert.equal(r.rounds, 2);
  assert.equal(r.toolCalls.length, 2);
  assert.deepEqual(r.citations.map((c) => c.status), ['verified']);
});
