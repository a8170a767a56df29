import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { suite, test } from './mocha';
import * as vscode from 'vscode';
import type { PinpointApi } from '../../src/extension/extension';
import { EXTENSION_ID, suitesExtensionId } from './pinpointApi';
import { ui } from './ui';

suite('activation', () => {
  test('runs in a real VS Code', () => {
    console.log(`[pinpoint-it] vscode.version=${vscode.version} appName=${vscode.env.appName} uiKind=${vscode.env.uiKind} remote=${vscode.env.remoteName ?? '-'}`);
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
  });

  test('the extension is present and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded (extensionDevelopmentPath wrong, or the VSIX not installed?)`);
    await ext.activate();
    assert.equal(ext.isActive, true, `${EXTENSION_ID} did not activate`);
  });

  test('the copy that runs is the one under test (the installed VSIX in the packaged run)', async function () {
    // The driver says where the extension must come from: the repo (dev run) or <extensions dir>/<id>-<version>.
    const expected = process.env.PINPOINT_IT_EXTENSION_PATH;
    if (!expected) this.skip();
    const ext = vscode.extensions.getExtension<PinpointApi>(EXTENSION_ID);
    assert.ok(ext);
    const api = await ext.activate();
    const running = api.services.context.extensionPath; // the context VS Code gave the code that activated
    console.log(`[pinpoint-it] ${EXTENSION_ID} runs from ${running}; the suites run as ${suitesExtensionId()}`);
    assert.equal(path.resolve(ext.extensionPath), path.resolve(expected));
    assert.equal(path.resolve(running), path.resolve(expected));
    if (process.env.PINPOINT_IT_VSIX) {
      assert.notEqual(suitesExtensionId(), EXTENSION_ID, 'the suites run from the test harness, not from the extension');
      assert.match(path.basename(running), new RegExp(`^${EXTENSION_ID.replace('.', '\\.')}-\\d+\\.\\d+\\.\\d+$`), 'an installed extension folder');
      if (ui.available) {
        // What a user sees: Pinpoint among the installed extensions.
        await vscode.commands.executeCommand('workbench.extensions.search', '@installed Pinpoint');
        await ui.waitFor('.extensions-viewlet .extension-list-item:has-text("Pinpoint")', { timeout: 20_000 });
        await ui.screenshot('extension-installed');
        await vscode.commands.executeCommand('workbench.action.closeSidebar');
      }
    }
  });

  test('pinpoint.showIndexStatus is registered and runs', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('pinpoint.showIndexStatus'), 'pinpoint.showIndexStatus is not registered');
    await vscode.commands.executeCommand('pinpoint.showIndexStatus');
  });

  test('the workspace is the fixture', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'exactly one workspace folder');
    const expected = process.env.PINPOINT_IT_WORKSPACE;
    if (expected) assert.equal(path.resolve(folders[0].uri.fsPath), path.resolve(expected));
    const files = await vscode.workspace.findFiles('**/*.{ts,js,py}', '**/node_modules/**');
    const names = files.map((u) => path.relative(folders[0].uri.fsPath, u.fsPath).split(path.sep).join('/')).sort();
    for (const f of ['src/cart.ts', 'src/pricing.ts', 'src/legacy/checkout.js', 'scripts/report.py']) {
      assert.ok(names.includes(f), `${f} not found in the workspace (saw ${names.join(', ')})`);
    }
  });
});
