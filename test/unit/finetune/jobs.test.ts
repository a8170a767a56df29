import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FineTuneClient, JobFailedError, startJob, type JobEvent } from '../../../src/core/finetune/jobs';
import { OpenAITestServer } from '../../helpers/openaiTestServer';
import { tempDir } from '../../helpers/workspace';
import { installFineTuning, type FakeFineTuning } from './fakeFineTuning';

async function withFake<T>(fn: (s: OpenAITestServer, ft: FakeFineTuning, client: FineTuneClient) => Promise<T>): Promise<T> {
  const s = await OpenAITestServer.start();
  const ft = installFineTuning(s);
  try {
    return await fn(s, ft, new FineTuneClient({ baseURL: s.baseURL, apiKey: 'sk-test-key', initialBackoffMs: 5, maxBackoffMs: 20, timeoutMs: 5000 }));
  } finally {
    await s.close();
  }
}

function jsonl(name: string, lines: number): string {
  const file = path.join(tempDir('ft-up'), name);
  writeFileSync(file, Array.from({ length: lines }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `q${i}` }, { role: 'assistant', content: `a${i}` }] })).join('\n') + '\n');
  return file;
}

test('jobs: upload (multipart, purpose fine-tune) → create → events → success returns the ft: model id', () =>
  withFake(async (server, ft, client) => {
    const train = jsonl('train.jsonl', 12);
    const val = jsonl('train.val.jsonl', 2);
    const steps: string[] = [];
    const job = await startJob(client, { trainFile: train, validationFile: val, model: 'gpt-4.1-mini-2025-04-14', suffix: 'pinpoint', epochs: 2, onProgress: (p) => steps.push(p.message) });
    assert.deepEqual(steps, ['uploading train.jsonl', 'uploading train.val.jsonl', 'creating the job on gpt-4.1-mini-2025-04-14', `job ${job.id}: validating_files`]);
    // The files arrived whole, as multipart with purpose fine-tune.
    const [tf, vf] = [...ft.files.values()];
    assert.equal(tf.purpose, 'fine-tune');
    assert.equal(tf.filename, 'train.jsonl');
    assert.equal(tf.content.trim().split('\n').length, 12);
    assert.equal(vf.content.trim().split('\n').length, 2);
    assert.match(String(server.requestsTo('/v1/files')[0].headers['content-type']), /^multipart\/form-data; boundary=/);
    assert.equal(server.requestsTo('/v1/files')[0].headers.authorization, 'Bearer sk-test-key');
    // The job was created with the uploaded ids and the hyper-parameters under `method`.
    const body = server.requestsTo('/v1/fine_tuning/jobs')[0].json as Record<string, unknown>;
    assert.deepEqual(body, { model: 'gpt-4.1-mini-2025-04-14', training_file: tf.id, validation_file: vf.id, suffix: 'pinpoint', method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2 } } } });
    assert.deepEqual(job.uploaded, { training: tf.id, validation: vf.id });

    const events: JobEvent[] = [];
    const statuses: string[] = [];
    const model = await client.waitForModel(job.id, { pollMs: 1, onEvent: (e) => events.push(e), onStatus: (j) => statuses.push(j.status) });
    assert.equal(model, `ft:gpt-4.1-mini-2025-04-14:pinpoint:pinpoint:${job.id.replace(/\D/g, '')}`);
    assert.match(model, /^ft:/);
    assert.deepEqual(statuses, ['validating_files', 'queued', 'running', 'succeeded']);
    // Every event once, oldest first.
    assert.deepEqual(events.map((e) => e.message), [`Created fine-tuning job: ${job.id}`, 'Job status: validating_files', 'Job status: queued', 'Job status: running', 'Job status: succeeded']);
    const done = await client.getJob(job.id);
    assert.equal(done.trainedTokens, 1234);
    assert.equal(done.epochs, 2);
    assert.ok(done.finishedAt);
  }));

test('jobs: a failed job surfaces its error message', () =>
  withFake(async (_s, ft, client) => {
    ft.plans.push({ statuses: ['validating_files', 'failed'], error: { code: 'invalid_training_file', message: 'The job failed due to an invalid training file. Line 3: missing messages', param: 'training_file' } });
    const job = await startJob(client, { trainFile: jsonl('t.jsonl', 10), model: 'gpt-4o-mini-2024-07-18' });
    const final = await client.follow(job.id, { pollMs: 1 });
    assert.equal(final.status, 'failed');
    assert.deepEqual(final.error, { code: 'invalid_training_file', message: 'The job failed due to an invalid training file. Line 3: missing messages', param: 'training_file' });
    await assert.rejects(client.waitForModel(job.id, { pollMs: 1 }), (e: unknown) => {
      assert.ok(e instanceof JobFailedError);
      assert.equal(e.message, `fine-tuning job ${job.id} failed: The job failed due to an invalid training file. Line 3: missing messages (training_file)`);
      return true;
    });
  }));

test('jobs: cancel, list newest first, unknown job, retry after a 500', () =>
  withFake(async (server, ft, client) => {
    ft.plans.push({ statuses: ['validating_files', 'queued', 'running'] });
    const a = await startJob(client, { trainFile: jsonl('a.jsonl', 10), model: 'gpt-4o-mini-2024-07-18' });
    const b = await startJob(client, { trainFile: jsonl('b.jsonl', 10), model: 'gpt-4.1-nano-2025-04-14' });
    await client.getJob(a.id);
    const cancelled = await client.cancelJob(a.id);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal((await client.follow(a.id, { pollMs: 1 })).status, 'cancelled');
    await assert.rejects(client.waitForModel(a.id, { pollMs: 1 }), /was cancelled/);
    await assert.rejects(client.cancelJob(a.id), /already completed/);

    const jobs = await client.listJobs({ limit: 10 });
    assert.deepEqual(jobs.map((j) => [j.id, j.status]), [[b.id, 'validating_files'], [a.id, 'cancelled']]);
    assert.equal(server.requestsTo('GET /v1/fine_tuning/jobs')[0].query.get('limit'), '10');

    await assert.rejects(client.getJob('ftjob-nope'), /fine-tuning job ftjob-nope not found at http:\/\/127\.0\.0\.1:\d+\/v1: Could not find fine-tune: ftjob-nope/);
    server.script(`GET /v1/fine_tuning/jobs/${b.id}`, [{ status: 500, json: { error: { message: 'boom' } } }]);
    assert.equal((await client.getJob(b.id)).id, b.id);
    assert.equal(server.requestsTo(`GET /v1/fine_tuning/jobs/${b.id}`).length, 2);
  }));

test('jobs: cancellation while following, a server without the API, an auth failure never echoing the key', async () => {
  await withFake(async (_s, _ft, client) => {
    const job = await startJob(client, { trainFile: jsonl('c.jsonl', 10), model: 'gpt-4o-mini-2024-07-18' });
    const ctl = new AbortController();
    const p = client.follow(job.id, { pollMs: 10_000, signal: ctl.signal, onStatus: () => ctl.abort() });
    await assert.rejects(p, (e: Error) => e.name === 'AbortError');
  });
  const bare = await OpenAITestServer.start();
  try {
    const c = new FineTuneClient({ baseURL: bare.baseURL, apiKey: 'sk-secret-abcdef', maxRetries: 0 });
    await assert.rejects(c.listJobs(), /has no fine-tuning API \(404 on list jobs\)/);
    bare.route('GET', '/v1/fine_tuning/jobs', () => ({ status: 401, json: { error: { message: 'Incorrect API key provided: sk-secret-abcdef' } } }));
    await assert.rejects(c.listJobs(), (e: Error) => /^list jobs: .*401 Unauthorized/.test(e.message) && !e.message.includes('sk-secret-abcdef'));
  } finally {
    await bare.close();
  }
});
