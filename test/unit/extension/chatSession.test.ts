// The chat conversation (src/extension/chat/session.ts) against a real indexed workspace and a local
// OpenAI-compatible test server: offline answers with context and verified citations, streaming with tool calls,
// errors as messages in the conversation, stop, ratings in the trace, persistence. Plain Node: no vscode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { TraceStore } from '../../../src/core/assistant/trace';
import type { ModelConfig } from '../../../src/core/assistant/types';
import type { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { ChatSession, loadConversation, NO_INDEX_MESSAGE, type SessionDeps, type StoredConversation } from '../../../src/extension/chat/session';
import { defaultRetriever, pickIndex, reasonsOf } from '../../../src/extension/chat/retrieval';
import { parseHostMessage, type HostMessage, type TurnView } from '../../../src/extension/protocol';
import { chatBodies, chatReply, OpenAITestServer } from '../../helpers/openaiTestServer';
import { indexedWorkspace, makeWorkspace, tempDir } from '../../helpers/workspace';
import { modelConfig, openFixture, type Fixture } from '../assistant/fixture';

let fx: Fixture;
let other: WorkspaceIndex;
before(async () => {
  fx = await openFixture();
  const root = makeWorkspace({ 'lib/geometry.py': 'def polygon_area(points):\n    """Shoelace formula for the area of a polygon."""\n    return 0.5 * abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1])))\n' });
  other = await indexedWorkspace(root, 'idx2');
});
after(async () => {
  await fx.close();
  await other.close();
});

interface Harness {
  session: ChatSession;
  messages: HostMessage[];
  saved: { value?: StoredConversation };
  traceDir: string;
  warnings: string[];
}

function harness(o: { model?: ModelConfig; indexes?: WorkspaceIndex[]; saved?: { value?: StoredConversation }; offlineReason?: SessionDeps['offlineReason'] } = {}): Harness {
  const messages: HostMessage[] = [];
  const saved = o.saved ?? {};
  const traceDir = tempDir('traces');
  const warnings: string[] = [];
  const deps: SessionDeps = {
    log: { info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(String(m)) },
    getIndexes: () => o.indexes ?? [fx.index],
    getModelConfig: async () => o.model,
    offlineReason: o.offlineReason,
    traceDir: () => traceDir,
  };
  const store = { get: () => saved.value, set: async (v: StoredConversation) => void (saved.value = JSON.parse(JSON.stringify(v))) };
  // Every message must pass the webview's own validator.
  const session = new ChatSession(deps, store, (m) => messages.push(parseHostMessage(JSON.parse(JSON.stringify(m)))));
  return { session, messages, saved, traceDir, warnings };
}

const lastTurn = (h: Harness): TurnView => {
  const turns = h.messages.filter((m): m is Extract<HostMessage, { type: 'turn' }> => m.type === 'turn');
  return turns[turns.length - 1].turn;
};

async function withServer<T>(fn: (s: OpenAITestServer) => Promise<T>): Promise<T> {
  const s = await OpenAITestServer.start();
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

test('session: in an untrusted workspace the offline turn and the status say why (no request is made)', async () => {
  const h = harness({ offlineReason: () => 'untrusted' });
  await h.session.ask('how does parseConfig read the configuration?');
  const turn = lastTurn(h);
  assert.equal(turn.state, 'done');
  assert.equal(turn.offline, true);
  assert.equal(turn.offlineReason, 'untrusted');
  assert.deepEqual(await h.session.status(), { offline: true, offlineReason: 'untrusted', folders: 1, running: false });
});

test('session: an offline answer with context, verified citations, a trace and a rating', async () => {
  const h = harness();
  await h.session.ask('how does parseConfig read the configuration?');
  const types = h.messages.map((m) => m.type);
  assert.deepEqual(types.slice(0, 2), ['turn', 'status']);
  assert.ok(types.indexOf('context') > 0 && types.indexOf('context') < types.lastIndexOf('turn'), types.join(','));
  const context = h.messages.find((m): m is Extract<HostMessage, { type: 'context' }> => m.type === 'context')!;
  assert.ok(context.items.length > 0);
  assert.ok(context.items.every((i) => i.reasons.length > 0 && i.path && i.startLine >= 1), JSON.stringify(context.items[0]));
  assert.ok(context.items.some((i) => i.path === 'src/config.ts'));

  const turn = lastTurn(h);
  assert.equal(turn.state, 'done');
  assert.equal(turn.offline, true);
  assert.equal(turn.offlineReason, 'no-model');
  assert.equal(turn.model, 'offline');
  assert.equal(turn.folder, path.basename(fx.root));
  assert.match(turn.answer, /^Offline answer/);
  assert.ok(turn.citations.length > 0 && turn.citations.every((c) => c.status === 'verified'));
  assert.ok(turn.citations.some((c) => c.path === 'src/config.ts' && c.startLine === 1));
  assert.equal(turn.rateable, true);
  assert.equal(h.messages[h.messages.length - 1].type, 'status');

  // Persisted with what the extension needs (trace id, folder), which the webview never sees.
  const stored = h.saved.value!.turns[0];
  assert.ok(stored.traceId && stored.root === fx.root && stored.traceDir === h.traceDir);
  assert.equal((turn as unknown as Record<string, unknown>).traceId, undefined);

  assert.equal(await h.session.rate(turn.id, 'up'), true);
  assert.deepEqual(h.messages[h.messages.length - 1], { type: 'rated', turnId: turn.id, rating: 'up' });
  const rec = await new TraceStore(h.traceDir).get(stored.traceId!);
  assert.equal(rec?.rating, 'up');
  assert.equal(rec?.model, 'offline');
  assert.equal(await h.session.rate('c-unknown', 'down'), false);

  // Citations resolve inside the turn's folder only.
  assert.equal(h.session.citationFile(turn.id, 'src/config.ts'), path.join(fx.root, 'src/config.ts'));
  assert.equal(h.session.citationFile(turn.id, '../outside.txt'), undefined);
  assert.equal(h.session.citationFile(turn.id, '/etc/passwd'), undefined);
});

test('session: the conversation survives a reload; a turn cut off mid-answer is marked stopped; damage is dropped', async () => {
  const h = harness();
  await h.session.ask('ConfigStore.get');
  const saved = h.saved;
  const reloaded = harness({ saved });
  assert.deepEqual(reloaded.session.views(), h.session.views());
  const restore = await reloaded.session.restoreMessage();
  assert.equal(restore.type, 'restore');

  const running = { ...saved.value!.turns[0], id: 'c-run', state: 'running' as const, tools: [{ id: 't', name: 'read_file', args: '{}', state: 'running' as const }] };
  const turns = loadConversation({ v: 1, turns: [running, { id: 42 }, 'junk', saved.value!.turns[0]] });
  assert.equal(turns.length, 2);
  assert.equal(turns[0].state, 'stopped');
  assert.equal(turns[0].tools[0].state, 'error');
  assert.deepEqual(loadConversation(undefined), []);
  assert.deepEqual(loadConversation({ turns: 'nope' }), []);
});

test('session: no index yet is an error message in the conversation, not silence', async () => {
  const h = harness({ indexes: [] });
  await h.session.ask('anything');
  const turn = lastTurn(h);
  assert.equal(turn.state, 'error');
  assert.deepEqual(turn.error, { code: 'no-index', message: NO_INDEX_MESSAGE });
});

test('session: a model turn streams text, shows tool calls as they happen, and verifies citations', () =>
  withServer(async (server) => {
    server.script('/v1/chat/completions', [
      chatReply({ content: 'Let me read it.', toolCalls: [{ id: 'c1', name: 'read_file', arguments: { path: 'src/config.ts', startLine: 1, endLine: 9 } }] }),
      chatReply({ content: ['`parseConfig` splits ', 'lines on `=` ', '[src/config.ts:1-9].'], chunkDelayMs: 60 }),
      chatReply({ content: 'Yes, see [src/config.ts:2-2].' }),
    ]);
    const h = harness({ model: modelConfig(server.baseURL) });
    await h.session.ask('how does parseConfig work?');
    const tools = h.messages.filter((m): m is Extract<HostMessage, { type: 'tool' }> => m.type === 'tool').map((m) => m.tool);
    assert.deepEqual(tools.map((t) => [t.name, t.state]), [['read_file', 'running'], ['read_file', 'ok']]);
    assert.match(tools[1].summary ?? '', /config\.ts/);
    const firstTool = h.messages.findIndex((m) => m.type === 'tool');
    const streamed = h.messages.slice(firstTool).filter((m): m is Extract<HostMessage, { type: 'answer' }> => m.type === 'answer').map((m) => m.text);
    assert.ok(streamed.length >= 1, 'partial answers are streamed');
    assert.ok(streamed.every((t) => !t.includes('Let me read it')), 'text before a tool round is cleared once the tools start');
    const turn = lastTurn(h);
    assert.equal(turn.state, 'done');
    assert.equal(turn.offline, false);
    assert.equal(turn.answer, '`parseConfig` splits lines on `=` [src/config.ts:1-9].');
    assert.deepEqual(turn.citations.map((c) => [c.path, c.startLine, c.endLine, c.status]), [['src/config.ts', 1, 9, 'verified']]);
    assert.deepEqual(turn.tools.map((t) => t.state), ['ok']);
    assert.ok(turn.context.length > 0);

    // The next question carries the earlier exchange as history.
    await h.session.ask('and line 2?');
    const body = chatBodies(server)[2];
    const contents = body.messages.map((m) => String(m.content ?? ''));
    assert.ok(contents.includes('how does parseConfig work?'), 'history: the earlier question');
    assert.ok(contents.includes('`parseConfig` splits lines on `=` [src/config.ts:1-9].'), 'history: the earlier answer');
  }));

test('session: 401, a server that is down, and a 500 become clear error messages', () =>
  withServer(async (server) => {
    server.script('/v1/chat/completions', [{ status: 401, json: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } } }]);
    const h = harness({ model: modelConfig(server.baseURL, { maxRetries: 0 }) });
    await h.session.ask('where is parseConfig?');
    let turn = lastTurn(h);
    assert.equal(turn.state, 'error');
    assert.equal(turn.error?.code, 'auth');
    assert.match(turn.error?.message ?? '', /401 Unauthorized.*check the API key/);
    assert.ok(!JSON.stringify(h.messages).includes('test-key'), 'the API key never reaches the webview');

    server.script('/v1/chat/completions', [{ status: 500, json: { error: { message: 'boom' } } }]);
    await h.session.ask('again');
    turn = lastTurn(h);
    assert.equal(turn.error?.code, 'server');
    assert.match(turn.error?.message ?? '', /failed with 500/);

    const down = await OpenAITestServer.start();
    const url = down.baseURL;
    await down.close();
    const d = harness({ model: modelConfig(url, { maxRetries: 0 }) });
    await d.session.ask('where is parseConfig?');
    turn = lastTurn(d);
    assert.equal(turn.state, 'error');
    assert.equal(turn.error?.code, 'unreachable');
    assert.match(turn.error?.message ?? '', /cannot reach model server/);
  }));

test('session: stop aborts a running turn (the turn ends as stopped); a timeout is an error', () =>
  withServer(async (server) => {
    server.script('/v1/chat/completions', [{ hang: true }]);
    const h = harness({ model: modelConfig(server.baseURL, { maxRetries: 0 }) });
    const asked = h.session.ask('where is parseConfig?');
    while (!server.requestsTo('/v1/chat/completions').length) await new Promise((r) => setTimeout(r, 10));
    assert.equal(h.session.isRunning, true);
    h.session.stop();
    await asked;
    assert.equal(lastTurn(h).state, 'stopped');
    assert.equal(h.session.isRunning, false);

    server.script('/v1/chat/completions', [{ hang: true }]);
    const t = harness({ model: modelConfig(server.baseURL, { maxRetries: 0, timeoutMs: 200 }) });
    await t.session.ask('where is parseConfig?');
    assert.equal(lastTurn(t).error?.code, 'timeout');
  }));

test('session: questions asked at once run one at a time, in order; new chat clears the conversation', async () => {
  const h = harness();
  await Promise.all([h.session.ask('ConfigStore'), h.session.ask('sendRequest retries'), h.session.ask('parseConfig')]);
  const views = h.session.views();
  assert.deepEqual(views.map((t) => t.question), ['ConfigStore', 'sendRequest retries', 'parseConfig']);
  assert.ok(views.every((t) => t.state === 'done' || t.state === 'stopped'), JSON.stringify(views.map((t) => t.state)));
  assert.equal(views[2].state, 'done');
  assert.equal(h.session.isRunning, false);
  await h.session.newChat();
  assert.deepEqual(h.session.views(), []);
  assert.deepEqual(h.saved.value?.turns, []);
  const last = h.messages[h.messages.length - 1];
  assert.equal(last.type, 'restore');
});

test('multi-root: the preferred folder answers first, else the folder whose best hit scores highest', async () => {
  const retrieverFor = (i: WorkspaceIndex) => defaultRetriever(i);
  const byScore = await pickIndex([fx.index, other], 'polygon_area shoelace formula', retrieverFor);
  assert.equal(byScore.index, other);
  const preferred = await pickIndex([fx.index, other], 'polygon_area shoelace formula', retrieverFor, path.join(fx.root, 'src', 'config.ts'));
  assert.equal(preferred.index, fx.index);
  const h = harness({ indexes: [fx.index, other] });
  await h.session.ask('polygon_area shoelace formula');
  const turn = lastTurn(h);
  assert.equal(turn.folder, path.basename(other.root));
  assert.ok(turn.citations.some((c) => c.path === 'lib/geometry.py'), JSON.stringify(turn.citations));
  assert.deepEqual(reasonsOf({ chunk: {} as never, score: 1, lexicalRank: 2, vectorRank: 5, matchedTerms: ['area'] }), ['keyword match #2 (area)', 'semantic match #5']);
});
