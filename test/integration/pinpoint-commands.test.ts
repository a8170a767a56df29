// Pinpoint's commands and code actions in a real VS Code: every command of the table is registered, Show Index
// Status and Re-index run, Search Code is driven through the real Quick Pick (type, see a result, Enter opens
// the file at the range), and the code actions are offered on a selection and on a diagnostic.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/extension/commands/catalog';
import { suite, suiteSetup, teardown, test } from './mocha';
import { errorsFor, openCodeActionMenu, pinpoint, searchCodeAndOpen, workspaceRoot } from './pinpointApi';
import { ui } from './ui';

const file = (...parts: string[]) => vscode.Uri.joinPath(workspaceRoot(), ...parts);

suite('pinpoint commands', () => {
  suiteSetup(async function () {
    this.timeout(120_000);
    await (await pinpoint()).whenIndexed();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('every command of the table is registered', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of Object.values(COMMANDS)) assert.ok(all.has(c.id), `${c.id} is not registered`);
  });

  test('Show Index Status shows counts, embedder and staleness', async () => {
    await vscode.commands.executeCommand(COMMANDS.showIndexStatus.id);
    if (!ui.available) return;
    await ui.waitFor('.quick-input-widget .quick-input-list .monaco-list-row');
    const rows = await ui.texts('.quick-input-list .monaco-list-row');
    const text = rows.join('\n');
    assert.match(text, /State: ready/, text);
    assert.match(text, /\d+ files · \d+ chunks/, text);
    assert.match(text, /Embedder: /, text);
    assert.match(text, /on disk/, text);
    await ui.screenshot('index-status');
    await ui.press('Escape');
  });

  test('Re-index rebuilds the index and it is ready again', async function () {
    this.timeout(90_000);
    const api = await pinpoint();
    await vscode.commands.executeCommand(COMMANDS.reindex.id);
    await api.whenIndexed();
    assert.equal(api.indexState(), 'ready');
    assert.equal((await api.search('applyDiscount', 3))[0]?.path, 'src/pricing.ts');
  });

  test('Search Code: type a query, see the result, Enter opens the file at its range', async function () {
    if (!ui.available) this.skip();
    const { editor, hit } = await searchCodeAndOpen('Inventory reserve', 'search-code');
    assert.equal(editor.selection.start.line, hit.startLine - 1);
    assert.ok(editor.visibleRanges.some((r) => r.contains(editor.selection.start)), 'the result is revealed');
    await ui.screenshot('search-code-opened');
  });

  test('code actions are offered on a selection', async () => {
    const uri = file('src', 'pricing.ts');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('function applyDiscount'));
    const range = new vscode.Range(line, 0, line + 4, 0);
    editor.selection = new vscode.Selection(range.start, range.end);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range);
    const titles = actions.map((a) => a.title);
    for (const t of ['Explain with Pinpoint', 'Find related code with Pinpoint', 'Ask Pinpoint about this…']) assert.ok(titles.includes(t), `${t} not offered; got ${titles.join(' | ')}`);
    const explain = actions.find((a) => a.title === 'Explain with Pinpoint');
    assert.equal(explain?.command?.command, COMMANDS.explainSelection.id);
    if (ui.available) {
      const rows = await openCodeActionMenu();
      assert.ok(rows.some((r) => r.includes('Explain with Pinpoint')), `the menu shows: ${rows.join(' | ')}`);
      await ui.screenshot('code-actions-selection');
      await ui.press('Escape');
    }
  });

  test('a code action is offered on a diagnostic', async function () {
    this.timeout(90_000);
    const uri = file('src', 'legacy', 'checkout.js');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const errors = await errorsFor(uri, 60_000);
    const err = errors.find((d) => d.range.start.line === 11) ?? errors[0];
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, err.range);
    const ours = actions.filter((a) => a.title.startsWith('Explain this error with Pinpoint'));
    assert.equal(ours.length >= 1, true, `no Pinpoint action; got ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(ours[0].command?.command, COMMANDS.explainDiagnostic.id);
    assert.equal(ours[0].kind?.value, 'quickfix.pinpoint');
  });

  test('Select Model writes pinpoint.chat.model; Set API Key stores the key in secret storage only', async function () {
    if (!ui.available) this.skip();
    const api = await pinpoint();
    const cfg = () => vscode.workspace.getConfiguration('pinpoint');
    try {
      const picked = vscode.commands.executeCommand(COMMANDS.selectModel.id);
      await ui.waitFor('.quick-input-widget .quick-input-list .monaco-list-row');
      await ui.type('gpt-4.1-nano');
      await ui.waitFor('.quick-input-list .monaco-list-row[aria-label*="gpt-4.1-nano"]');
      await ui.press('Enter');
      await picked;
      assert.equal(cfg().get('chat.model'), 'gpt-4.1-nano');

      const stored = vscode.commands.executeCommand(COMMANDS.setApiKey.id);
      await ui.waitFor('.quick-input-widget input[type="password"]');
      await ui.type('sk-it-not-a-real-key');
      await ui.press('Enter');
      await stored;
      assert.equal(await api.services.context.secrets.get('pinpoint.apiKey'), 'sk-it-not-a-real-key');
      const inspected = JSON.stringify(vscode.workspace.getConfiguration().inspect('pinpoint'));
      assert.doesNotMatch(inspected ?? '', /sk-it-not-a-real-key/, 'the key is not in any setting');
    } finally {
      await cfg().update('chat.model', undefined, vscode.ConfigurationTarget.Global);
      await api.services.apiKey.clear();
    }
  });
});
