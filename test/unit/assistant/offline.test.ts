import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { answerOffline } from '../../../src/core/assistant/offline';
import { TraceStore } from '../../../src/core/assistant/trace';
import { tempDir } from '../../helpers/workspace';
import { FAKE_KEY, openFixture, type Fixture } from './fixture';

let fx: Fixture;
before(async () => {
  fx = await openFixture();
});
after(() => fx.close());

test('offline: an extractive answer whose citations all verify', async () => {
  const r = await answerOffline({ question: 'how does parseConfig read the configuration?', workspace: fx.workspace });
  assert.equal(r.model, 'offline');
  assert.ok(r.citations.length >= 1);
  assert.ok(r.citations.every((c) => c.status === 'verified'), JSON.stringify(r.citations));
  assert.equal(r.groundedness, 1);
  // The definition named in the question comes first, with its doc comment and code.
  assert.match(r.answer, /^Offline answer/);
  assert.match(r.answer, /\n1\. `parseConfig` \(function\) — Loads configuration from disk\. \[src\/config\.ts:1-9\]/);
  assert.match(r.answer, /```typescript\n\/\*\* Loads configuration from disk\. \*\/\nexport function parseConfig/);
  assert.equal(r.usage.requests, 0);
});

test('offline: many questions, never an unverified citation, never a secrets file', async () => {
  const questions = ['HTTP request retries and timeout', 'render a report table', 'Reporter publish', 'ConfigStore.get', 'api key configuration', 'usage', 'nothing matches zzzqqq'];
  const traces = new TraceStore(tempDir('trace'));
  for (const question of questions) {
    const r = await answerOffline({ question, workspace: fx.workspace, trace: traces });
    for (const c of r.citations) {
      assert.equal(c.status, 'verified', `${question}: ${c.raw} ${c.reason}`);
      assert.notEqual(c.path, '.env');
    }
    assert.equal(r.groundedness, r.citations.length ? 1 : 0);
  }
  // Ask for the chunk that holds the fake keys by the names it defines, so the answer must quote it.
  const keys = await answerOffline({ question: 'SERVICE_URL OPENAI_KEY DB constants', workspace: fx.workspace });
  assert.match(keys.answer, /OPENAI_KEY = "\[REDACTED:openai-key\]"/, 'secret-looking strings are redacted from answers and traces too');
  assert.ok(!keys.answer.includes(FAKE_KEY) && keys.redactions >= 2);
  const { records } = await traces.read();
  assert.equal(records.length, questions.length);
  assert.ok(records.every((t) => t.model === 'offline' && t.messages.length === 0));
});
