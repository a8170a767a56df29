// The code-action commands reach the chat: "Explain with Pinpoint", picked in the real code-action menu on a
// selection, opens the chat view with the selection attached and an (offline) answer. This file sorts after ui-bridge.test.ts on purpose: once the chat
// view is open its webview is retained, and the UI bridge targets the first pinpoint-dev.pinpoint webview it
// finds, which would then be the chat rather than ui-bridge's probe panel.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/extension/commands/catalog';
import { suite, suiteSetup, test } from './mocha';
import { openCodeActionMenu, pinpoint, waitUntil, workspaceRoot } from './pinpointApi';
import { ui } from './ui';

suite('pinpoint code actions → chat', () => {
  suiteSetup(async function () {
    this.timeout(120_000);
    await (await pinpoint()).whenIndexed();
  });

  test('Explain with Pinpoint opens the chat with the selection and answers (offline)', async function () {
    this.timeout(90_000);
    const api = await pinpoint();
    if (!api.chatAvailable) this.skip();
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'src', 'cart.ts');
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('total(): number'));
    const range = new vscode.Range(line - 1, 0, line + 3, 0);
    const before = api.chatTurns().length;
    if (ui.available) {
      // As a user does it: select, open the code-action menu, pick the action.
      const editor = await vscode.window.showTextDocument(doc);
      editor.selection = new vscode.Selection(range.start, range.end);
      const rows = await openCodeActionMenu();
      assert.ok(rows.some((r) => r.includes('Explain with Pinpoint')), `the menu shows: ${rows.join(' | ')}`);
      // Keyboard, as the menu's own hint says ("Enter to Apply"): move the focus to the action, then Enter.
      for (let i = 0; i < rows.length && !/^Explain with Pinpoint/.test(await ui.text('.action-widget .monaco-list-row.focused')); i++) await ui.press('ArrowDown');
      assert.match(await ui.text('.action-widget .monaco-list-row.focused'), /^Explain with Pinpoint/);
      await ui.screenshot('code-action-menu');
      await ui.press('Enter');
      await waitUntil('the answer to the code action', () => {
        const turns = api.chatTurns();
        return turns.length > before && turns[turns.length - 1].state !== 'running';
      }, 60_000);
    } else {
      await vscode.commands.executeCommand(COMMANDS.explainSelection.id, uri, range);
    }
    const turns = api.chatTurns();
    const last = turns[turns.length - 1];
    assert.ok(turns.length > before && last, 'a turn was added to the chat');
    assert.match(last.contextLabel ?? '', /selection src\/cart\.ts:\d+/);
    assert.equal(last.state, 'done', JSON.stringify(last.error));
    assert.ok(last.answer.length > 0, 'an answer');
    if (ui.available) await ui.screenshot('chat-explain-selection');
  });

  test('Explain this error with Pinpoint sends the diagnostic to the chat', async function () {
    this.timeout(90_000);
    const api = await pinpoint();
    if (!api.chatAvailable) this.skip();
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'src', 'legacy', 'checkout.js');
    const diagnostic = new vscode.Diagnostic(new vscode.Range(11, 2, 11, 7), "Type 'string' is not assignable to type 'number'.", vscode.DiagnosticSeverity.Error);
    diagnostic.source = 'ts';
    diagnostic.code = 2322;
    await vscode.commands.executeCommand(COMMANDS.explainDiagnostic.id, uri, diagnostic.range, diagnostic);
    const turns = api.chatTurns();
    const last = turns[turns.length - 1];
    assert.match(last?.contextLabel ?? '', /diagnostic src\/legacy\/checkout\.js:12/);
    assert.equal(last.state, 'done', JSON.stringify(last.error));
    if (ui.available) await ui.screenshot('chat-explain-diagnostic');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
