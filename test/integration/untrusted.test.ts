// Workspace trust in a real VS Code. Runs only in the untrusted pass (run.mjs with PINPOINT_IT_UNTRUSTED=1: trust
// enabled, the fixture workspace left in Restricted Mode). Every setting that would send workspace data somewhere
// points at a local OpenAI-compatible test server (in the user settings, which Restricted Mode still applies):
// the chat model, the embeddings endpoint and an HTTP reranker. Pinpoint must still index and search locally,
// answer from the index, say that the workspace is not trusted, and send the server nothing at all.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { OpenAITestServer } from '../helpers/openaiTestServer';
import { suite, suiteSetup, suiteTeardown, test } from './mocha';
import { EXTENSION_ID, pinpoint, searchCodeAndOpen, UNTRUSTED_RUN, waitUntil } from './pinpointApi';
import { ui } from './ui';

const frame = { webview: EXTENSION_ID, timeout: 30_000 };
const DONE = 'article.state-done';

suite('untrusted workspace', () => {
  let server: OpenAITestServer | undefined;
  const cfg = () => vscode.workspace.getConfiguration('pinpoint');
  const settings = (s: OpenAITestServer): Record<string, string> => ({
    'chat.baseUrl': s.baseURL,
    'chat.model': 'test-chat',
    'embeddings.provider': 'openai',
    'embeddings.baseUrl': s.baseURL,
    'reranker.type': 'http',
    'reranker.url': s.baseURL,
  });
  const requests = () => JSON.stringify(server?.requests.map((r) => r.route));

  suiteSetup(async function () {
    if (!UNTRUSTED_RUN) this.skip();
    this.timeout(150_000);
    server = await OpenAITestServer.start();
    for (const [key, value] of Object.entries(settings(server))) await cfg().update(key, value, vscode.ConfigurationTarget.Global);
    const api = await pinpoint();
    await api.whenIndexed(); // the embedder change reopens the index: still the built-in embedder
  });

  suiteTeardown(async () => {
    if (!server) return;
    for (const key of Object.keys(settings(server))) await cfg().update(key, undefined, vscode.ConfigurationTarget.Global);
    await server.close();
  });

  test('the workspace is not trusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.equal(cfg().get('chat.model'), 'test-chat', 'a model is configured');
  });

  test('the index is built locally with the built-in embedder and the search API finds code', async () => {
    const api = await pinpoint();
    assert.equal(api.indexState(), 'ready');
    const [folder] = api.services.indexes.all();
    assert.equal(folder?.opts.embedder.id, 'builtin', 'the configured OpenAI embedder is not used');
    assert.ok((folder.index?.indexer.store.stats().files ?? 0) >= 6, 'the fixture is indexed');
    assert.equal((await api.search('applyDiscount', 3))[0]?.path, 'src/pricing.ts');
    // The reranked search the assistant uses: the HTTP reranker is not called either.
    const reranked = await api.services.search.search('add value-added tax to an amount', { k: 5, secondStage: true });
    assert.ok(reranked.some((r) => r.hit.chunk.qualifiedName === 'withTax'), JSON.stringify(reranked.map((r) => r.hit.chunk.qualifiedName)));
    assert.equal(server?.requests.length, 0, requests());
  });

  test('Pinpoint: Search Code finds and opens a result', async function () {
    if (!ui.available) this.skip();
    const { editor, hit } = await searchCodeAndOpen('Inventory reserve', 'untrusted-search-code');
    assert.equal(editor.selection.start.line, hit.startLine - 1);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a question is answered offline, with a "trust the workspace" note, and nothing reaches the model', async function () {
    this.timeout(120_000);
    const api = await pinpoint();
    await vscode.commands.executeCommand('pinpoint.ask', 'How is the cart total computed with the discount and tax?');
    const turn = api.chatTurns().at(-1);
    assert.ok(turn, 'a turn was added');
    assert.equal(turn.state, 'done', JSON.stringify(turn.error));
    assert.equal(turn.offline, true);
    assert.equal(turn.offlineReason, 'untrusted');
    assert.ok(turn.citations.some((c) => c.status === 'verified'), 'the offline answer cites the code');

    if (ui.available) {
      // What the user sees in the chat view: the status line, the welcome text, and the note under the answer.
      await vscode.commands.executeCommand('pinpoint.chat.focus');
      await waitUntil('the status line', async () => /Offline \(workspace not trusted\)/.test(await ui.text('#status', frame)));
      await ui.click('#new-chat', frame);
      assert.match(await ui.text('.welcome', frame), /not trusted.*nothing is sent to the model/s);
      await ui.fill('#q', 'Where is the inventory reserved?', frame);
      await ui.press('Enter');
      await ui.waitFor(`${DONE} .offline-note.untrusted`, { ...frame, timeout: 60_000 });
      assert.match(await ui.text(`${DONE} .offline-note`, frame), /this workspace is not trusted, so Pinpoint sent nothing to the model/);
      assert.equal(await ui.text(`${DONE} .offline-note button[data-action="trust"]`, frame), 'Trust the workspace');
      await ui.screenshot('untrusted-chat');
      // The note's button opens VS Code's Workspace Trust editor (the user decides there; the test does not trust).
      await ui.click(`${DONE} .offline-note button[data-action="trust"]`, frame);
      await ui.waitFor('.workspace-trust-editor');
      await ui.screenshot('untrusted-manage-trust');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      assert.equal(vscode.workspace.isTrusted, false);
    }
    assert.equal(server?.requests.length, 0, `requests reached the test server: ${requests()}`);
  });
});
