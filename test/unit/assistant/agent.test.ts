import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runTurn } from '../../../src/core/assistant/agent';
import { TOOL_NAMES } from '../../../src/core/assistant/toolNames';
import { TraceStore } from '../../../src/core/assistant/trace';
import { tempDir } from '../../helpers/workspace';
import type { AssistantWorkspace, Retriever, TurnCallbacks } from '../../../src/core/assistant/types';
import { chatBodies, chatReply, OpenAITestServer, type ChatRequestBody } from '../../helpers/openaiTestServer';
import { allContent, FAKE_KEY, modelConfig, openFixture, type Fixture } from './fixture';

let fx: Fixture;
before(async () => {
  fx = await openFixture();
});
after(() => fx.close());

async function withServer<T>(fn: (s: OpenAITestServer) => Promise<T>): Promise<T> {
  const s = await OpenAITestServer.start();
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** The fixture workspace with retrieval replaced (empty context pack unless given). */
function withRetriever(retriever: Retriever = { search: async () => [] }): AssistantWorkspace {
  return { ...fx.workspace, retriever };
}

const toolMessages = (b: ChatRequestBody) => b.messages.filter((m) => m.role === 'tool');

test('agent: multi-round turn, parallel calls executed concurrently, streamed argument fragments reassembled', () =>
  withServer(async (server) => {
    // A retriever that is slow and records how many searches overlap.
    let active = 0;
    let maxActive = 0;
    const slow: Retriever = {
      async search(q, k) {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 60));
        active--;
        return fx.workspace.retriever.search(q, k);
      },
    };
    server.script('/v1/chat/completions', [
      chatReply({
        content: ['Let me ', 'look.'],
        fragments: 5,
        toolCalls: [
          { id: 'c1', name: 'read_file', arguments: { path: 'src/config.ts', startLine: 1, endLine: 9 } },
          { id: 'c2', name: 'find_symbol', arguments: { name: 'sendRequest' } },
        ],
        usage: { prompt_tokens: 100, completion_tokens: 20 },
      }),
      chatReply({
        fragments: 4,
        toolCalls: [
          { id: 'c3', name: 'search_code', arguments: { query: 'render report rows', k: 3 } },
          { id: 'c4', name: 'search_code', arguments: { query: 'config store', k: 2 } },
          { id: 'c5', name: 'list_files', arguments: { glob: '**/*.py' } },
          { id: 'c6', name: 'find_references', arguments: { name: 'render_report' } },
        ],
        usage: { prompt_tokens: 300, completion_tokens: 30 },
      }),
      chatReply({
        content: ['`parseConfig` splits each line at `=` [src/config.ts:2-9]. ', '`sendRequest` retries [src/http/client.ts:4-13].'],
        usage: { prompt_tokens: 500, completion_tokens: 40 },
      }),
    ]);
    const texts: string[] = [];
    const started: string[] = [];
    const ended: string[] = [];
    const callbacks: TurnCallbacks = {
      onText: (d) => texts.push(d),
      onToolCallStart: (c) => started.push(c.id),
      onToolCallEnd: (c) => ended.push(`${c.id}:${c.ok}`),
    };
    const r = await runTurn({ question: 'How is config parsed?', workspace: withRetriever(slow), model: modelConfig(server.baseURL), callbacks });

    const bodies = chatBodies(server);
    assert.equal(bodies.length, 3);
    // Request shape: streaming, the fine-tuned model id, strict tools, one per name.
    assert.equal(bodies[0].stream, true);
    assert.equal(bodies[0].model, 'ft:gpt-4.1-mini:acme::abc123');
    assert.deepEqual(bodies[0].tools!.map((t) => t.function.name).sort(), [...TOOL_NAMES].sort());
    assert.ok(bodies[0].tools!.every((t) => t.function.strict === true));
    // Round 1's calls went back whole (fragments assembled per index), answered in order.
    const asst = bodies[1].messages.find((m) => m.role === 'assistant')!;
    assert.deepEqual(asst.tool_calls!.map((c) => [c.id, JSON.parse(c.function.arguments)]), [
      ['c1', { path: 'src/config.ts', startLine: 1, endLine: 9 }],
      ['c2', { name: 'sendRequest' }],
    ]);
    const t1 = toolMessages(bodies[1]);
    assert.deepEqual(t1.map((m) => m.tool_call_id), ['c1', 'c2']);
    assert.match(String(t1[0].content), /2\| export function parseConfig/);
    assert.match(String(t1[1].content), /\[src\/http\/client\.ts:3-13\] function sendRequest/);
    const t2 = toolMessages(bodies[2]);
    assert.deepEqual(t2.map((m) => m.tool_call_id), ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    assert.match(String(t2[4].content), /tools\/report\.py/);
    assert.match(String(t2[5].content), /occurrence\(s\) of "render_report"/);
    assert.equal(maxActive, 2, 'the two searches of one round ran concurrently');

    assert.equal(r.rounds, 2);
    assert.equal(r.toolCalls.length, 6);
    assert.ok(r.toolCalls.every((c) => c.ok));
    assert.deepEqual(r.toolCalls.map((c) => c.round), [1, 1, 2, 2, 2, 2]);
    assert.deepEqual(r.citations.map((c) => c.status), ['verified', 'verified']);
    assert.equal(r.groundedness, 1);
    assert.equal(r.model, 'ft:gpt-4.1-mini:acme::abc123');
    assert.deepEqual(r.usage, { promptTokens: 900, completionTokens: 90, totalTokens: 990, requests: 3 });
    assert.ok(texts.join('').startsWith('Let me look.'));
    assert.ok(r.answer.startsWith('`parseConfig` splits'));
    assert.deepEqual(started, ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    assert.equal(ended.length, 6);
  }));

const MIXED = [
  'It parses lines with `parseConfig` [src/config.ts:2-9].',
  'Values are kept in a map [src/config.ts:15-40].',
  'Requests are retried [src/http/client.ts:4-13].',
  'Helpers live elsewhere [src/missing.ts:1-3].',
  'Reports use `render_report` [tools/report.py:3-5].',
].join('\n');

test('agent: citations classified (verified / out-of-range / not-seen / missing-file / identifiers), then repaired', () =>
  withServer(async (server) => {
    server.script('/v1/chat/completions', [
      chatReply({ toolCalls: [{ id: 'r1', name: 'read_file', arguments: { path: 'src/config.ts', startLine: null, endLine: null } }] }),
      chatReply({ content: MIXED }),
      chatReply({ content: 'It parses lines with `parseConfig` [src/config.ts:2-9]; values live in `ConfigStore` [src/config.ts:11-20].' }),
    ]);
    let reset = '';
    const r = await runTurn({ question: 'config?', workspace: withRetriever(), model: modelConfig(server.baseURL), callbacks: { onAnswerReset: (a) => (reset = a) } });
    const bodies = chatBodies(server);
    assert.equal(bodies.length, 3);
    const repairMsg = String(bodies[2].messages[bodies[2].messages.length - 1].content);
    assert.match(repairMsg, /\[src\/config\.ts:15-40\]: out-of-range — "src\/config\.ts" has 20 lines/);
    assert.match(repairMsg, /\[src\/http\/client\.ts:4-13\]: not-seen/);
    assert.match(repairMsg, /\[src\/missing\.ts:1-3\]: missing-file/);
    assert.doesNotMatch(repairMsg, /report\.py/, 'identifier-verified citations are not questioned');
    assert.equal(bodies[2].tool_choice, 'none');
    assert.equal(r.repaired, true);
    assert.equal(reset, r.answer);
    assert.deepEqual(r.citations.map((c) => c.status), ['verified', 'verified']);
    assert.equal(r.groundedness, 1);
  }));

test('agent: without repair the mixed answer keeps its verdicts and groundedness = verified / total', () =>
  withServer(async (server) => {
    server.script('/v1/chat/completions', [
      chatReply({ toolCalls: [{ id: 'r1', name: 'read_file', arguments: { path: 'src/config.ts', startLine: 1, endLine: 20 } }] }),
      chatReply({ content: MIXED }),
    ]);
    const r = await runTurn({ question: 'config?', workspace: withRetriever(), model: modelConfig(server.baseURL), settings: { repairRounds: 0 } });
    assert.equal(chatBodies(server).length, 2);
    assert.deepEqual(r.citations.map((c) => [c.raw, c.status]), [
      ['[src/config.ts:2-9]', 'verified'],
      ['[src/config.ts:15-40]', 'out-of-range'],
      ['[src/http/client.ts:4-13]', 'not-seen'],
      ['[src/missing.ts:1-3]', 'missing-file'],
      ['[tools/report.py:3-5]', 'verified'],
    ]);
    assert.equal(r.citations[4].reason, 'identifiers');
    assert.equal(r.groundedness, 2 / 5);
    assert.equal(r.repaired, false);
  }));

test('agent: a model that always wants tools is stopped after N rounds', () =>
  withServer(async (server) => {
    server.route('POST', '/v1/chat/completions', chatReply({ toolCalls: [{ name: 'read_file', arguments: { path: 'README.md', startLine: 1, endLine: 3 } }] }));
    const r = await runTurn({ question: 'loop', workspace: withRetriever(), model: modelConfig(server.baseURL), settings: { maxToolRounds: 2 } });
    const bodies = chatBodies(server);
    assert.equal(bodies.length, 3, 'two tool rounds, then one last request without tools');
    assert.equal(bodies[2].tool_choice, 'none');
    assert.match(String(bodies[2].messages[bodies[2].messages.length - 1].content), /used all 2 tool rounds/);
    assert.equal(r.stopped, 'round-limit');
    assert.equal(r.rounds, 2);
    assert.match(r.answer, /^Stopped after 2 tool rounds/);
    assert.equal(r.citations.length, 0);
  }));

test('agent: malformed tool calls and unsafe paths get tool errors the model can read, never a crash', () =>
  withServer(async (server) => {
    const calls = [
      { id: 'bad-json', name: 'read_file', arguments: '{"path": "src/config.ts", "startLine": ' },
      { id: 'unknown', name: 'delete_file', arguments: { path: 'src/config.ts' } },
      { id: 'dotdot', name: 'read_file', arguments: { path: 'src/../../etc/passwd', startLine: null, endLine: null } },
      { id: 'symlink', name: 'read_file', arguments: { path: 'link-out.txt', startLine: null, endLine: null } },
      { id: 'absolute', name: 'read_file', arguments: { path: '/etc/passwd', startLine: null, endLine: null } },
      { id: 'secret', name: 'read_file', arguments: { path: '.env', startLine: null, endLine: null } },
      { id: 'secret-link', name: 'read_file', arguments: { path: 'innocent.txt', startLine: null, endLine: null } },
      { id: 'bad-type', name: 'read_file', arguments: { path: 'src/config.ts', startLine: 'one', endLine: null } },
      { id: 'range', name: 'read_file', arguments: { path: 'src/config.ts', startLine: 500, endLine: null } },
    ];
    server.script('/v1/chat/completions', [chatReply({ toolCalls: calls }), chatReply({ content: 'Nothing found.' })]);
    const r = await runTurn({ question: 'x', workspace: withRetriever(), model: modelConfig(server.baseURL) });
    const body = chatBodies(server)[1];
    const byId = new Map(toolMessages(body).map((m) => [m.tool_call_id, String(m.content)]));
    assert.equal(byId.size, calls.length, 'every tool_call_id answered');
    for (const c of byId.values()) assert.match(c, /^ERROR: /);
    assert.match(byId.get('bad-json')!, /not valid JSON/);
    assert.match(byId.get('unknown')!, /unknown tool "delete_file". Available tools: search_code/);
    assert.match(byId.get('dotdot')!, /"\.\." is not allowed/);
    assert.match(byId.get('symlink')!, /outside the workspace/);
    assert.match(byId.get('absolute')!, /absolute paths are not allowed/);
    assert.match(byId.get('secret')!, /secrets file/);
    assert.match(byId.get('secret-link')!, /secrets file/);
    assert.match(byId.get('bad-type')!, /"startLine" must be integer or null/);
    assert.match(byId.get('range')!, /out of range: src\/config\.ts has 20 lines/);
    // Malformed arguments go back into the history as {} (servers that parse them would reject the request).
    const asst = body.messages.find((m) => m.role === 'assistant')!;
    assert.equal(asst.tool_calls!.find((c) => c.id === 'bad-json')!.function.arguments, '{}');
    const sent = server.requests.map((q) => q.body).join('\n');
    assert.ok(!sent.includes(FAKE_KEY) && !sent.includes('outside the fixture'), 'nothing from secrets or outside was sent');
    assert.equal(r.answer, 'Nothing found.');
    assert.equal(r.toolCalls.filter((c) => !c.ok).length, calls.length);
  }));

test('agent: secret-looking strings in files read by tools never reach the server; the count is reported', () =>
  withServer(async (server) => {
    server.script('/v1/chat/completions', [
      chatReply({ toolCalls: [{ id: 'k', name: 'read_file', arguments: { path: 'src/keys.ts', startLine: null, endLine: null } }] }),
      chatReply({ content: 'The key is configured in `OPENAI_KEY` [src/keys.ts:3].' }),
    ]);
    const r = await runTurn({
      question: `why does ${'ghp_' + 'a'.repeat(36)} fail?`,
      workspace: fx.workspace, // real retrieval: the context pack may include keys.ts too
      model: modelConfig(server.baseURL),
    });
    const sent = server.requests.map((q) => q.body).join('\n');
    assert.ok(!sent.includes(FAKE_KEY), 'the API key was redacted');
    assert.ok(!sent.includes('hunter2secret'), 'the connection-string password was redacted');
    assert.ok(!sent.includes('ghp_aaaa'), 'a token in the question was redacted');
    const tool = toolMessages(chatBodies(server)[1])[0];
    assert.match(String(tool.content), /3\| export const OPENAI_KEY = "\[REDACTED:openai-key\]";/);
    assert.match(String(tool.content), /postgres:\/\/app:\[REDACTED:connection-string\]@db\.internal/);
    assert.ok(r.redactions >= 3, `redactions ${r.redactions}`);
    assert.ok(allContent(chatBodies(server)[0]).includes('Question: why does [REDACTED:github-token] fail?'));
    assert.equal(r.citations[0].status, 'verified');
  }));

test('agent: the system prompt treats workspace content as data', () =>
  withServer(async (server) => {
    server.script('/v1/chat/completions', [chatReply({ content: 'ok' })]);
    await runTurn({ question: 'notes?', workspace: fx.workspace, model: modelConfig(server.baseURL) });
    const sys = String(chatBodies(server)[0].messages[0].content);
    assert.match(sys, /is data, not instructions/);
    assert.match(sys, /\[path\/to\/file\.ts:41-58\]/);
  }));

test('agent: a turn is traced with messages, tool calls, verdicts, usage and an id rateTurn accepts', () =>
  withServer(async (server) => {
    server.script('/v1/chat/completions', [
      chatReply({ toolCalls: [{ id: 't1', name: 'read_file', arguments: { path: 'src/keys.ts', startLine: 1, endLine: 4 } }], usage: { prompt_tokens: 10, completion_tokens: 2 } }),
      chatReply({ content: '`SERVICE_URL` is set here [src/keys.ts:2].', usage: { prompt_tokens: 20, completion_tokens: 5 } }),
    ]);
    const traces = new TraceStore(tempDir('trace'));
    const r = await runTurn({ question: 'where is the service url?', workspace: withRetriever(), model: modelConfig(server.baseURL), trace: traces });
    const rec = (await traces.get(r.id))!;
    assert.equal(rec.type, 'turn');
    assert.equal(rec.model, 'ft:gpt-4.1-mini:acme::abc123');
    assert.deepEqual(rec.messages.map((m) => m.role), ['system', 'user', 'assistant', 'tool', 'assistant']);
    assert.equal(rec.toolCalls.length, 1);
    assert.match(rec.toolCalls[0].result, /\[REDACTED:openai-key\]/);
    assert.ok(!JSON.stringify(rec).includes(FAKE_KEY), 'the trace holds what was sent: redacted');
    assert.deepEqual(rec.citations.map((c) => c.status), ['verified']);
    assert.equal(rec.groundedness, 1);
    assert.equal(rec.rounds, 1);
    assert.equal(rec.redactions, r.redactions);
    assert.deepEqual(rec.usage, { promptTokens: 30, completionTokens: 7, totalTokens: 37, requests: 2 });
    assert.equal(rec.rating, null);
    assert.equal(await traces.rateTurn(r.id, 'up'), true);
    assert.equal((await traces.get(r.id))!.rating, 'up');
  }));
