// The fine-tuning commands in a real VS Code: they are registered, and Export on the fixture workspace (whose
// trace store is empty: no chat turn was rated) reports 0 examples with a clear message and writes no file.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/extension/commands/catalog';
import type { ExportSummary } from '../../src/extension/commands/finetune';
import { suite, suiteSetup, suiteTeardown, teardown, test } from './mocha';
import { pinpoint } from './pinpointApi';

suite('finetune commands', () => {
  let dir: string;

  suiteSetup(async function () {
    this.timeout(120_000);
    await pinpoint();
    dir = mkdtempSync(path.join(tmpdir(), 'pinpoint-ft-'));
  });

  suiteTeardown(() => rmSync(dir, { recursive: true, force: true }));

  teardown(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  test('the three fine-tuning commands are registered', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of [COMMANDS.exportFineTuningData, COMMANDS.startFineTuningJob, COMMANDS.showFineTuningJobs]) assert.ok(all.has(c.id), `${c.id} is not registered`);
  });

  test('Export with an empty trace store reports 0 examples and writes nothing', async () => {
    const out = path.join(dir, 'train.jsonl');
    const folder = vscode.workspace.workspaceFolders![0].name;
    const res = await vscode.commands.executeCommand<ExportSummary | undefined>(COMMANDS.exportFineTuningData.id, { folder, includeUnrated: false, out });
    assert.ok(res, 'the export returned no summary');
    assert.ok(res.traceDir.endsWith('traces'), res.traceDir);
    if (res.train + res.validation === 0) {
      assert.match(res.message, /0 examples to export/, res.message);
      assert.match(res.message, /no file written/, res.message);
      assert.equal(existsSync(out), false, 'no training file for 0 examples');
    } else {
      assert.ok(existsSync(out), 'the training file was written');
    }
  });
});
