// The fixture workspace's deliberate type error (src/legacy/checkout.js, line 12) is reported by the real
// TypeScript language service, so diagnostics / code-action suites have something to work with.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { suite, test } from './mocha';
import * as vscode from 'vscode';
import { errorsFor, openCodeActionMenu, workspaceRoot } from './pinpointApi';
import { ui } from './ui';

suite('fixture workspace', () => {
  test('the deliberate type error is diagnosed by the TypeScript service', async () => {
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'src', 'legacy', 'checkout.js');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const errors = await errorsFor(uri, 45_000);
    const onLine12 = errors.filter((d) => d.range.start.line === 11);
    assert.ok(onLine12.length, `no error on line 12 of ${path.basename(uri.fsPath)}; got ${JSON.stringify(errors.map((d) => [d.range.start.line + 1, d.message]))}`);
    assert.match(onLine12[0].message, /not assignable to type 'number'/);
    editor.selection = new vscode.Selection(onLine12[0].range.start, onLine12[0].range.start);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, onLine12[0].range);
    assert.ok(actions.length > 0, 'the TypeScript service offers code actions on the error');
    if (ui.available) {
      // The real code-action menu, as a user sees it.
      await openCodeActionMenu();
      await ui.screenshot('code-actions');
      await ui.press('Escape');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
