import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { activeModel, JsonSettingsStore, MAX_HISTORY, MemorySettingsStore, rollbackModel, switchModel } from '../../../src/core/finetune/settings';
import { tempDir } from '../../helpers/workspace';

test('settings: switch to a fine-tuned id keeps the previous one; rollback restores it; persisted as JSON', async () => {
  const file = path.join(tempDir('ft-settings'), 'nested', 'assistant-model.json');
  const store = new JsonSettingsStore(file);
  assert.deepEqual(await store.load(), { model: null, previous: [] });
  assert.equal(await activeModel(store, 'gpt-4.1-mini'), 'gpt-4.1-mini');
  await assert.rejects(rollbackModel(store), /nothing to roll back to: no model was switched/);

  await switchModel(store, 'gpt-4.1-mini');
  const s = await switchModel(store, 'ft:gpt-4.1-mini-2025-04-14:acme:pinpoint:abc123');
  assert.equal(s.model, 'ft:gpt-4.1-mini-2025-04-14:acme:pinpoint:abc123');
  assert.deepEqual(s.previous, ['gpt-4.1-mini']);
  assert.equal(await activeModel(new JsonSettingsStore(file), 'x'), 'ft:gpt-4.1-mini-2025-04-14:acme:pinpoint:abc123', 'a fresh reader sees it');
  const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { model: string; previous: string[]; updated: string };
  assert.equal(onDisk.model, s.model);
  assert.ok(!Number.isNaN(Date.parse(onDisk.updated)));

  // Switching to the current model changes nothing.
  assert.deepEqual((await switchModel(store, s.model!)).previous, ['gpt-4.1-mini']);
  const back = await rollbackModel(store);
  assert.equal(back.model, 'gpt-4.1-mini');
  assert.deepEqual(back.previous, []);
  await assert.rejects(rollbackModel(store), /nothing to roll back to: gpt-4\.1-mini is the only model recorded/);
});

test('settings: history is capped; empty ids and damaged files are refused with a clear message', async () => {
  const mem = new MemorySettingsStore();
  for (let i = 0; i < MAX_HISTORY + 5; i++) await switchModel(mem, `m${i}`);
  const s = await mem.load();
  assert.equal(s.model, `m${MAX_HISTORY + 4}`);
  assert.equal(s.previous.length, MAX_HISTORY);
  assert.equal(s.previous[s.previous.length - 1], `m${MAX_HISTORY + 3}`);
  await assert.rejects(switchModel(mem, '  '), /model id is empty/);
  const file = path.join(tempDir('ft-bad'), 'm.json');
  writeFileSync(file, '{"model": ');
  await assert.rejects(new JsonSettingsStore(file).load(), /is not valid JSON: fix or delete it/);
});
