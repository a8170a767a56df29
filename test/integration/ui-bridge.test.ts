// Proves the UI bridge that later UI suites (chat webview, code actions, Quick Pick) build on: the suite drives
// the vscode API here in the extension host and asks the driver to click/type in the real workbench page.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, teardown, test } from './mocha';
import * as vscode from 'vscode';
import { suitesExtensionId } from './pinpointApi';
import { ui } from './ui';

suite('ui bridge', () => {
  suiteSetup(function () {
    if (!ui.available) this.skip();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a Quick Pick shown by the extension host is answered through the page', async () => {
    const picked = vscode.window.showQuickPick(['alpha', 'beta', 'gamma'], { placeHolder: 'pick one' });
    await ui.waitFor('.quick-input-widget .quick-input-list .monaco-list-row');
    await ui.type('bet');
    await ui.waitFor('.quick-input-list .monaco-list-row[aria-label*="beta"]');
    await ui.press('Enter');
    assert.equal(await picked, 'beta');
  });

  test('Command Palette runs pinpoint.showIndexStatus and its view shows', async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    await ui.press('F1');
    await ui.waitFor('.quick-input-widget input');
    await ui.type('Pinpoint: Show Index Status');
    await ui.waitFor('.quick-input-list .monaco-list-row[aria-label*="Show Index Status"]');
    await ui.press('Enter');
    // (The command was a stub showing a "Pinpoint is active" notification; it now shows the index status Quick Pick.)
    await ui.waitFor('.quick-input-widget .quick-input-title:has-text("Pinpoint: Index Status")');
  });

  test('a button inside a webview is clicked and its message reaches the extension host', async () => {
    const panel = vscode.window.createWebviewPanel('pinpoint.itProbe', 'IT probe', vscode.ViewColumn.One, { enableScripts: true });
    try {
      const clicked = new Promise<unknown>((resolve) => panel.webview.onDidReceiveMessage(resolve));
      panel.webview.html = `<!DOCTYPE html><html><body>
        <h1 id="title">probe</h1><input id="q" value=""><button id="go">Go</button>
        <script>
          const vscode = acquireVsCodeApi();
          document.getElementById('go').addEventListener('click', () =>
            vscode.postMessage({ clicked: true, q: document.getElementById('q').value }));
        </script></body></html>`;
      // The panel belongs to the extension the suites run as (Pinpoint in the dev run, the harness in the packaged run).
      const frame = { webview: suitesExtensionId(), timeout: 20_000 };
      await ui.waitFor('#go', frame);
      assert.equal(await ui.text('#title', frame), 'probe');
      await ui.fill('#q', 'where is Cart.total?', frame);
      await ui.screenshot('webview-probe');
      await ui.click('#go', frame);
      assert.deepEqual(await clicked, { clicked: true, q: 'where is Cart.total?' });
    } finally {
      panel.dispose();
    }
  });
});
