import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { suite, test } from './mocha';
import * as vscode from 'vscode';

const EXTENSION_ID = 'pinpoint-dev.pinpoint';

suite('activation', () => {
  test('runs in a real VS Code', () => {
    console.log(`[pinpoint-it] vscode.version=${vscode.version} appName=${vscode.env.appName} uiKind=${vscode.env.uiKind} remote=${vscode.env.remoteName ?? '-'}`);
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
  });

  test('the extension is present and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded (extensionDevelopmentPath wrong?)`);
    await ext.activate();
    assert.equal(ext.isActive, true, `${EXTENSION_ID} did not activate`);
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
