// The chat protocol's validators (src/extension/protocol.ts): good messages pass (as clean copies), malformed ones
// are rejected with the offending field named. Plain Node: no vscode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS, parseHostMessage, parseWebviewMessage, ProtocolError, type TurnView } from '../../../src/extension/protocol';

const turn = (o: Partial<TurnView> = {}): TurnView => ({
  id: 'c-1', question: 'where is parseConfig?', answer: 'It is here [src/a.ts:1-3].', state: 'done', offline: true, rateable: true,
  citations: [{ path: 'src/a.ts', startLine: 1, endLine: 3, status: 'verified', reason: 'seen' }],
  context: [{ path: 'src/a.ts', startLine: 1, endLine: 9, name: 'parseConfig', kind: 'function', score: 0.8, reasons: ['symbol mentioned'] }],
  tools: [{ id: 't1', name: 'read_file', args: '{"path":"src/a.ts"}', state: 'ok', summary: 'read 9 lines', ms: 3 }],
  ...o,
});

test('protocol: every webview message variant is accepted', () => {
  const good = [
    { type: 'ready' },
    { type: 'ask', question: 'how are prices rounded?' },
    { type: 'stop' },
    { type: 'newChat' },
    { type: 'openCitation', turnId: 'c-1', path: 'src/pricing.ts', startLine: 3, endLine: 9 },
    { type: 'rate', turnId: 'c-1', rating: 'down' },
    { type: 'openSettings' },
    { type: 'manageTrust' },
  ];
  for (const m of good) assert.deepEqual(parseWebviewMessage(m), m);
});

test('protocol: unknown keys are dropped from the parsed copy', () => {
  const parsed = parseWebviewMessage({ type: 'ask', question: 'q', extra: '<script>', __proto__x: 1 });
  assert.deepEqual(parsed, { type: 'ask', question: 'q' });
});

test('protocol: malformed webview messages are rejected with the field named', () => {
  const bad: [unknown, RegExp][] = [
    [undefined, /message: expected a message object/],
    [null, /expected a message object/],
    ['ask', /expected a message object/],
    [[{ type: 'ask' }], /expected a message object/],
    [{}, /message\.type/],
    [{ type: 'eval', code: 'x' }, /message\.type: expected one of/],
    [{ type: 'constructor' }, /message\.type/],
    [{ type: 'toString' }, /message\.type/],
    [{ type: 'ask' }, /message\.question/],
    [{ type: 'ask', question: '' }, /message\.question/],
    [{ type: 'ask', question: 42 }, /message\.question/],
    [{ type: 'ask', question: 'x'.repeat(LIMITS.question + 1) }, /message\.question/],
    [{ type: 'openCitation', turnId: 'c', path: 'a.ts', startLine: 0, endLine: 2 }, /message\.startLine: expected an integer/],
    [{ type: 'openCitation', turnId: 'c', path: 'a.ts', startLine: 1.5, endLine: 2 }, /message\.startLine/],
    [{ type: 'openCitation', turnId: 'c', path: 'a.ts', startLine: '1', endLine: 2 }, /message\.startLine/],
    [{ type: 'openCitation', turnId: 'c', path: 'a.ts', startLine: 1, endLine: Infinity }, /message\.endLine/],
    [{ type: 'openCitation', turnId: 'c', path: '', startLine: 1, endLine: 2 }, /message\.path/],
    [{ type: 'openCitation', turnId: 'c', path: 'a'.repeat(LIMITS.path + 1), startLine: 1, endLine: 2 }, /message\.path/],
    [{ type: 'openCitation', path: 'a.ts', startLine: 1, endLine: 2 }, /message\.turnId/],
    [{ type: 'rate', turnId: 'c-1', rating: 'meh' }, /message\.rating: expected one of up, down/],
    [{ type: 'rate', turnId: 'c-1' }, /message\.rating/],
  ];
  for (const [m, re] of bad) {
    assert.throws(() => parseWebviewMessage(m), (e: unknown) => e instanceof ProtocolError && re.test(e.message), JSON.stringify(m));
  }
});

test('protocol: host messages are accepted, with optional fields absent or present', () => {
  const status = { offline: true, folders: 1, running: false };
  const good = [
    { type: 'restore', turns: [turn(), turn({ id: 'c-2', state: 'error', error: { code: 'auth', message: '401' }, rateable: false })], status },
    { type: 'status', status },
    { type: 'status', status: { ...status, offlineReason: 'untrusted' } },
    { type: 'turn', turn: turn({ offlineReason: 'untrusted' }) },
    { type: 'turn', turn: turn({ state: 'running', answer: '', citations: [], context: [], tools: [] }) },
    { type: 'answer', turnId: 'c-1', text: 'partial [src/a.ts:1' },
    { type: 'context', turnId: 'c-1', items: [{ path: 'a.ts', startLine: 1, endLine: 2, score: 0.5, reasons: [] }] },
    { type: 'tool', turnId: 'c-1', tool: { id: 't', name: 'search_code', args: '{}', state: 'running' } },
    { type: 'rated', turnId: 'c-1', rating: 'up' },
  ];
  for (const m of good) assert.deepEqual(parseHostMessage(m), m);
});

test('protocol: malformed host messages are rejected', () => {
  const bad: [unknown, RegExp][] = [
    [{ type: 'turn', turn: turn({ citations: [{ path: 'a', startLine: 1, endLine: 1, status: 'trusted' as never }] }) }, /message\.turn\.citations\[0\]\.status/],
    [{ type: 'turn', turn: { ...turn(), state: 'exploded' } }, /message\.turn\.state/],
    [{ type: 'turn', turn: { ...turn(), offline: 'yes' } }, /message\.turn\.offline: expected a boolean/],
    [{ type: 'context', turnId: 'c', items: [{ path: 'a', startLine: 1, endLine: 2, score: NaN, reasons: [] }] }, /items\[0\]\.score/],
    [{ type: 'context', turnId: 'c', items: {} }, /message\.items: expected an array/],
    [{ type: 'tool', turnId: 'c', tool: { id: 't', name: 'x', args: '', state: 'done' } }, /message\.tool\.state/],
    [{ type: 'restore', turns: Array.from({ length: LIMITS.turns + 1 }, () => turn()), status: { offline: true, folders: 0, running: false } }, /message\.turns/],
    [{ type: 'status', status: { offline: true, folders: -1, running: false } }, /message\.status\.folders/],
    [{ type: 'status', status: { offline: true, offlineReason: 'distrust', folders: 0, running: false } }, /message\.status\.offlineReason/],
    [{ type: 'answer', turnId: 'c' }, /message\.text/],
  ];
  for (const [m, re] of bad) {
    assert.throws(() => parseHostMessage(m), (e: unknown) => e instanceof ProtocolError && re.test(e.message), JSON.stringify(m).slice(0, 200));
  }
});
