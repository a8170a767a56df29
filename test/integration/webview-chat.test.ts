// The chat panel in a real VS Code: open the Pinpoint view, type a question in the webview and press Enter (no
// model is configured, so the answer is offline), see citation chips, open the "context used" list, click a
// verified chip and find the cited file in the active editor with the cited lines selected, rate the answer, and
// reload the webview to see the conversation restored. Then the same against the local OpenAI-compatible test
// server: the answer streams in, its citation chip is clicked and the editor lands on the cited line (one
// screenshot per step: chat-model-1-ask … chat-model-4-cited-line).
//
// Named to sort after ui-bridge.test.ts (like with-chat.test.ts): once the chat view is open its webview is
// retained, and the UI bridge acts on the first pinpoint-dev.pinpoint webview it finds.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { chatReply, OpenAITestServer } from '../helpers/openaiTestServer';
import { suite, suiteSetup, test } from './mocha';
import { EXTENSION_ID, needsTrust, pinpoint, waitUntil } from './pinpointApi';
import { ui } from './ui';

const frame = { webview: EXTENSION_ID, timeout: 30_000 };
const DONE = 'article.state-done';

interface ChipInfo {
  path: string;
  start: number;
  end: number;
  cls: string;
  title: string;
}

suite('chat panel (webview)', () => {
  suiteSetup(async function () {
    if (!ui.available) this.skip();
    this.timeout(150_000);
    await (await pinpoint()).whenIndexed();
  });

  test('an offline question typed in the webview is answered with chips; a chip opens the cited lines', async function () {
    this.timeout(150_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('pinpoint.chat.focus');
    await ui.waitFor('#q', frame);
    await ui.click('#new-chat', frame);
    await ui.waitFor('.welcome', frame);
    assert.match(await ui.text('#status', frame), /Offline \(no model\)/);

    await ui.fill('#q', 'How is the cart total computed with the discount and tax?', frame);
    await ui.press('Enter');
    await ui.waitFor(`${DONE} .answer button.cite`, { ...frame, timeout: 90_000 });
    assert.equal(await ui.text(`${DONE} .badge.offline`, frame), 'offline answer');
    assert.match(await ui.text(`${DONE} .offline-note`, frame), /no model is configured/);
    assert.match(await ui.text(`${DONE} .turn-footer .grounding`, frame), /\d+ of \d+ citations? verified/);

    const chip = await ui.evaluate<ChipInfo | null>(
      `(() => { const b = document.querySelector('${DONE} .answer button.cite-verified');
        return b && { path: b.dataset.path, start: Number(b.dataset.start), end: Number(b.dataset.end), cls: b.className, title: b.title }; })()`,
      frame,
    );
    assert.ok(chip, 'a verified citation chip');
    assert.match(chip.title, /^Verified/);

    // What the sanitiser must keep: button types and list numbering (the offline answer is a numbered list).
    assert.equal(await ui.evaluate<string | null>(`document.querySelector('${DONE} .answer button.cite')?.getAttribute('type') ?? null`, frame), 'button');
    assert.ok(await ui.evaluate<boolean>(`!!document.querySelector('${DONE} .answer ol[start="2"]')`, frame), 'ordered lists keep their start number');

    // The "context used" list says why each item was retrieved.
    await ui.click(`${DONE} details.context summary`, frame);
    await ui.waitFor(`${DONE} details.context li .ctx-why`, frame);
    const why = await ui.texts(`${DONE} details.context li .ctx-why`, frame);
    assert.ok(why.length > 0 && why.every((w) => /^why: \S/.test(w)), JSON.stringify(why));
    await ui.screenshot('chat-context-used');
    await ui.click(`${DONE} details.context summary`, frame);
    await ui.evaluate(`document.getElementById('log').scrollTop = 1e9`, frame);

    await ui.click(`${DONE} .answer button.cite-verified`, frame);
    const editor = await waitUntil('the cited file in the active editor', () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.fsPath.split(path.sep).join('/').endsWith(`/${chip.path}`) ? e : undefined;
    });
    assert.equal(editor.selection.start.line, chip.start - 1, 'selection starts at the cited line');
    assert.equal(editor.selection.end.line, chip.end - 1, 'selection ends at the cited line');
    assert.ok(editor.visibleRanges.some((r) => r.contains(editor.selection.start)), 'the cited lines are revealed');
    await ui.screenshot('chat-panel');

    // 👍 is recorded (the extension answers with 'rated', which presses the button).
    await ui.click(`${DONE} button.rate-up`, frame);
    await waitUntil('the rating to show', () => ui.evaluate<boolean>(`document.querySelector('${DONE} button.rate-up')?.getAttribute('aria-pressed') === 'true'`, frame));
  });

  test('the conversation is restored when the webview reloads', async function () {
    this.timeout(60_000);
    const before = await ui.texts('article .q-text', frame);
    assert.ok(before.length > 0);
    // Mark the current document: the restored one must be a new document, not the old frame before it detaches.
    await ui.evaluate(`document.body.dataset.itOld = '1'`, frame);
    await vscode.commands.executeCommand('pinpoint.chat.focus');
    await vscode.commands.executeCommand('workbench.action.webview.reloadWebviewAction');
    const restored = await waitUntil('the restored conversation', () =>
      ui.evaluate<{ questions: string[]; chips: number; rated: string | null } | null>(
        `document.body.dataset.itOld ? null : {
          questions: [...document.querySelectorAll('article .q-text')].map((e) => e.textContent),
          chips: document.querySelectorAll('${DONE} .answer button.cite').length,
          rated: document.querySelector('${DONE} button.rate-up')?.getAttribute('aria-pressed') ?? null }`,
        frame,
      ).then((r) => (r && r.questions.length === before.length ? r : null)), 30_000, 300);
    assert.deepEqual(restored.questions, before);
    assert.ok(restored.chips > 0, 'citation chips are back');
    assert.equal(restored.rated, 'true', 'the rating is back');
  });

  test('with a model: the answer streams in, its chip opens the cited line; tools show; Esc stops; a 401 is clear', async function () {
    this.timeout(120_000);
    needsTrust(this);
    const server = await OpenAITestServer.start();
    const config = vscode.workspace.getConfiguration('pinpoint');
    const running = 'article.state-running';
    try {
      await config.update('chat.baseUrl', server.baseURL, vscode.ConfigurationTarget.Global);
      await config.update('chat.model', 'test-chat', vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('pinpoint.chat.focus');
      await ui.click('#new-chat', frame);
      await ui.waitFor('.welcome', frame);

      // A tool round, then a streamed answer citing what the tool read. The events come 700 ms apart, so the
      // answer is on screen while the turn still runs (≥ 2.8 s between the first text and the end of the stream).
      server.script('/v1/chat/completions', [
        chatReply({ toolCalls: [{ id: 'c1', name: 'read_file', arguments: { path: 'src/cart.ts', startLine: 30, endLine: 33 } }] }),
        chatReply({ content: ['`total` applies ', 'the discount, then tax ', '[src/cart.ts:30-33].'], chunkDelayMs: 700 }),
      ]);
      await ui.fill('#q', 'How is the total computed?', frame);
      await ui.screenshot('chat-model-1-ask');
      await ui.press('Enter');
      await ui.waitFor(`${running} .answer:has-text("applies")`, { ...frame, timeout: 60_000 });
      await ui.screenshot('chat-model-2-streaming');
      await ui.waitFor(`${DONE} .answer button.cite-verified`, { ...frame, timeout: 60_000 });
      assert.match(await ui.text(`${DONE} .tools .tool-ok`, frame), /read_file/);
      assert.equal(await ui.text(`${DONE} .badge`, frame), 'test-chat');
      assert.match(await ui.text(`${DONE} .answer`, frame), /applies the discount, then tax/);
      await ui.screenshot('chat-model-3-answer-with-chip');

      // Click the chip: the cited file is the active editor, lines 30–33 selected and in view.
      await ui.click(`${DONE} .answer button.cite-verified[data-path="src/cart.ts"]`, frame);
      const editor = await waitUntil('src/cart.ts:30 in the active editor', () => {
        const e = vscode.window.activeTextEditor;
        return e && e.document.uri.path.endsWith('/src/cart.ts') && e.selection.start.line === 29 ? e : undefined;
      });
      assert.equal(editor.selection.end.line, 32, 'the selection ends at the cited end line');
      assert.ok(editor.visibleRanges.some((r) => r.contains(new vscode.Position(29, 0))), `line 30 is in view: ${JSON.stringify(editor.visibleRanges)}`);
      await ui.screenshot('chat-model-4-cited-line');

      // A server that never answers: Esc stops the turn. Esc waits for the request to reach the server: pressed
      // earlier (while the turn still retrieves), it stops the turn before any request and the queued hang would
      // then swallow the next question's request (CI failed that way once).
      const asked = server.requestsTo('/v1/chat/completions').length;
      server.script('/v1/chat/completions', [{ hang: true }]);
      await ui.fill('#q', 'This one will hang', frame);
      await ui.press('Enter');
      await ui.waitFor(running, frame);
      await ui.waitFor('#stop', frame);
      await waitUntil('the hanging request reached the server', () => server.requestsTo('/v1/chat/completions').length > asked);
      await ui.press('Escape');
      await ui.waitFor('article.state-stopped', { ...frame, timeout: 20_000 });
      await ui.waitFor('#send', frame);

      // 401: the error is in the conversation, with a way to the settings.
      server.script('/v1/chat/completions', [{ status: 401, json: { error: { message: 'Incorrect API key provided' } } }]);
      await ui.fill('#q', 'And now?', frame);
      await ui.press('Enter');
      const error = await ui.text('article.state-error .error', { ...frame, timeout: 30_000 });
      assert.match(error, /rejected the API key/);
      assert.match(error, /401/);
      assert.match(error, /Open Pinpoint settings/);
      await ui.screenshot('chat-error');
    } finally {
      await config.update('chat.model', undefined, vscode.ConfigurationTarget.Global);
      await config.update('chat.baseUrl', undefined, vscode.ConfigurationTarget.Global);
      await server.close();
    }
  });
});
