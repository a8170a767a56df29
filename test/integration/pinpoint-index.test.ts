// Pinpoint's index inside a real VS Code: activation, the first build over the fixture workspace, search through
// the extension's own search function, and freshness (a save, a file written outside the editor, ignore files).
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ALL_SETTINGS } from '../../src/extension/settings';
import { suite, suiteSetup, test } from './mocha';
import { pinpoint, waitUntil, workspaceRoot } from './pinpointApi';
import { ui } from './ui';

suite('pinpoint index', () => {
  suiteSetup(async function () {
    this.timeout(120_000);
    const api = await pinpoint();
    await api.whenIndexed();
  });

  test('settings defaults in VS Code equal the typed registry', () => {
    const cfg = vscode.workspace.getConfiguration();
    for (const def of ALL_SETTINGS) {
      const seen = cfg.inspect(def.key);
      assert.ok(seen, `${def.key} is not a contributed setting`);
      assert.deepEqual(seen.defaultValue, def.default, `${def.key}: default`);
    }
  });

  test('the index of the fixture workspace is built and ready', async () => {
    const api = await pinpoint();
    assert.equal(api.indexState(), 'ready');
    const folders = api.services.indexes.all();
    assert.equal(folders.length, 1);
    const stats = folders[0].index?.indexer.store.stats();
    assert.ok(stats && stats.files >= 6, `expected the fixture's files indexed, got ${JSON.stringify(stats)}`);
    if (ui.available) await ui.screenshot('index-ready');
  });

  test('once the index is ready, the extension warms the query path with queries made from the index', async () => {
    const api = await pinpoint();
    const folder = api.services.indexes.all()[0].folder.name;
    const done = await waitUntil('the search warm-up', () => api.services.search.warmUps.find((w) => w.folder === folder), 60_000);
    // core/search/warmUp.ts: 20 queries, fewer only when the index has too few chunks to make them from.
    assert.ok(done.queries >= 3 && done.queries <= 20, JSON.stringify(done));
  });

  test('search finds known symbols by name and by meaning', async () => {
    const api = await pinpoint();
    const byName = await api.search('applyDiscount', 5);
    assert.equal(byName[0]?.path, 'src/pricing.ts', JSON.stringify(byName.slice(0, 3)));
    assert.match(byName[0].qualifiedName, /applyDiscount/);
    assert.ok(byName[0].reasons.length > 0, 'results say why they were retrieved');
    const byMeaning = await api.search('add value-added tax to an amount', 5);
    assert.ok(byMeaning.some((h) => h.qualifiedName === 'withTax'), JSON.stringify(byMeaning.map((h) => h.qualifiedName)));
    const python = await api.search('top sellers by units sold', 5);
    assert.ok(python.some((h) => h.path === 'scripts/util.py'), JSON.stringify(python.map((h) => h.path)));
  });

  test('a save through the editor updates the index', async () => {
    const api = await pinpoint();
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'src', 'inventory.ts');
    const doc = await vscode.workspace.openTextDocument(uri);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(doc.lineCount, 0), '\n/** Fee for gift wrapping one parcel, in cents. */\nexport function giftWrapFee(parcels: number): number {\n  return parcels * 250;\n}\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save(), 'saved');
    const hit = await waitUntil('giftWrapFee in the index', async () => (await api.search('giftWrapFee', 3)).find((h) => h.qualifiedName === 'giftWrapFee'), 15_000);
    assert.equal(hit.path, 'src/inventory.ts');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('files written and deleted outside the editor are picked up by the watcher', async () => {
    const api = await pinpoint();
    const file = path.join(workspaceRoot().fsPath, 'src', 'shipping.ts');
    await fs.writeFile(file, '/** Shipping cost for a parcel weight. */\nexport function shippingQuote(grams: number): number {\n  return 400 + Math.ceil(grams / 500) * 150;\n}\n');
    const hit = await waitUntil('shippingQuote in the index', async () => (await api.search('shippingQuote', 3)).find((h) => h.qualifiedName === 'shippingQuote'), 20_000);
    assert.equal(hit.path, 'src/shipping.ts');
    await fs.rm(file);
    await waitUntil('shippingQuote gone from the index', async () => !(await api.search('shippingQuote', 5)).some((h) => h.path === 'src/shipping.ts'), 20_000);
  });

  test('a .pinpointignore change re-filters the index', async () => {
    const api = await pinpoint();
    const ignore = path.join(workspaceRoot().fsPath, '.pinpointignore');
    const inLegacy = async () => (await api.search('receiptLine', 5)).some((h) => h.path === 'src/legacy/checkout.js');
    assert.ok(await inLegacy(), 'receiptLine is indexed before the ignore file');
    await fs.writeFile(ignore, 'src/legacy/\n');
    try {
      await waitUntil('src/legacy/ dropped from the index', async () => !(await inLegacy()), 20_000);
    } finally {
      await fs.rm(ignore, { force: true });
    }
    await waitUntil('src/legacy/ back in the index', inLegacy, 20_000);
  });
});
