import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OpenAITestServer, chatReply } from '../../helpers/openaiTestServer';
import { httpReranker, llmJudgeReranker, parseJudgeScores } from '../../../src/core/search/rerankers';
import { openWorkspaceIndex, type WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { createRetriever } from '../../../src/core/search/retriever';
import { makeWorkspace, tempDir } from '../../helpers/workspace';
import { FIXTURE_FILES } from './fixtureRepo';

let server: OpenAITestServer;
before(async () => {
  server = await OpenAITestServer.start();
});
after(async () => {
  await server.close();
});

test('the /rerank client sends {model, query, documents, top_n} and maps results back by index', async () => {
  server.route('POST', '/v1/rerank', (req) => {
    const body = req.json as { documents: string[] };
    // Prefer the document mentioning "tax": reverse relevance otherwise.
    return { json: { results: body.documents.map((d, index) => ({ index, relevance_score: d.includes('tax') ? 0.99 : 0.1 / (index + 1) })).reverse() } };
  });
  const rr = httpReranker({ baseURL: server.baseURL, model: 'bge-reranker', apiKey: 'k' });
  const scores = await rr.rerank('tax', ['cart', 'tax rate', 'orm']);
  assert.deepEqual(scores.map((s) => Number(s.toFixed(3))), [0.1, 0.99, 0.033]);
  const req = server.requestsTo('/v1/rerank').at(-1)!;
  assert.deepEqual(req.json, { model: 'bge-reranker', query: 'tax', documents: ['cart', 'tax rate', 'orm'], top_n: 3 });
  assert.equal(req.headers.authorization, 'Bearer k');
});

test('TEI-style bare arrays are accepted; HTTP errors and malformed replies reject', async () => {
  server.script('/v1/rerank', [{ json: [{ index: 1, score: 2 }, { index: 0, score: 1 }] }, { status: 500, json: { error: 'boom' } }, { json: { nope: 1 } }]);
  const rr = httpReranker({ baseURL: server.baseURL + '/rerank' });
  assert.deepEqual(await rr.rerank('q', ['a', 'b']), [1, 2]);
  await assert.rejects(rr.rerank('q', ['a']), /HTTP 500/);
  await assert.rejects(rr.rerank('q', ['a']), /no results array/);
});

test('the retriever applies a second-stage reranker and falls back to its own order when it fails', async () => {
  const root = makeWorkspace(FIXTURE_FILES);
  const idx: WorkspaceIndex = await openWorkspaceIndex({ root, indexDir: tempDir('rr-idx'), owner: 'test', workers: 0 });
  try {
    await idx.indexer.indexAll();
    const plain = await createRetriever(idx).retrieve('cart discount', { k: 5 });
    // This cross-encoder prefers later documents: the 5th of the built-in order becomes the first.
    server.script('/v1/rerank', [(req) => ({ json: { results: (req.json as { documents: string[] }).documents.map((_, index) => ({ index, relevance_score: index })) } })]);
    const reranker = httpReranker({ baseURL: server.baseURL, model: 'x' });
    const r = createRetriever(idx, { reranker, rerankTop: 5 });
    const res = await r.retrieve('<!-- issue template: describe the bug -->cart discount', { k: 5 });
    assert.equal(res.chunks[0].chunk.id, plain.chunks[4].chunk.id, 'the cross-encoder\'s favourite is first');
    assert.equal((server.requestsTo('/v1/rerank').at(-1)!.json as { query: string }).query, ' cart discount', 'it sees the query without hidden comments');
    assert.match(res.chunks[0].reasons[0], /^http:x /);
    server.script('/v1/rerank', [{ status: 503, json: {} }]);
    const fallback = await r.retrieve('cart discount', { k: 5 });
    assert.match(fallback.rerankError ?? '', /HTTP 503/);
    assert.ok(fallback.chunks.length > 0);
  } finally {
    await idx.close();
  }
});

test('the LLM judge asks the chat model for scores and parses them', async () => {
  server.script('/v1/chat/completions', [chatReply({ content: 'Sure: {"scores":[{"index":0,"score":2},{"index":1,"score":9}]}' })]);
  const judge = llmJudgeReranker({ baseURL: server.baseURL, apiKey: 'k', model: 'judge-1' });
  assert.deepEqual(await judge.rerank('where is tax computed', ['def cart()', 'def compute_tax()']), [2, 9]);
  const body = server.requestsTo('/v1/chat/completions').at(-1)!.json as { model: string; messages: { content: string }[] };
  assert.equal(body.model, 'judge-1');
  assert.match(body.messages[1].content, /\[1\]\ndef compute_tax\(\)/);
  assert.deepEqual(parseJudgeScores('[3, 4]', 2), [3, 4]);
  assert.throws(() => parseJudgeScores('no json here', 2), /no JSON/);
});
