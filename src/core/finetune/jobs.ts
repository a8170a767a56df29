/**
 * Fine-tuning job control through the `openai` SDK: upload a JSONL file (`files.create`, purpose
 * `fine-tune`), create a job, follow its status and events, cancel, list. Requests are retried on
 * 408/409/429/5xx, timeouts and resets with the assistant's backoff policy (errors.ts), cancellable
 * with an AbortSignal, and failures become one actionable message (never containing the API key).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import OpenAI, { APIError, toFile } from 'openai';
import type { FineTuningJob, FineTuningJobEvent, JobCreateParams } from 'openai/resources/fine-tuning/jobs/jobs';
import { AssistantError, abortError, backoffMs, classifyError, isRetryable, serverMessage, sleep, type BackoffPolicy } from '../assistant/errors';
import type { FtProgress } from './types';

export interface FineTuneClientConfig {
  /** Default `https://api.openai.com/v1`. */
  baseURL?: string;
  apiKey?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** Per request. Default 120 000 (uploads of large files take a while). */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  maxRetries?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  fetch?: typeof globalThis.fetch;
}

export type JobStatus = FineTuningJob['status'];

/** A job, in the fields Pinpoint shows. */
export interface JobInfo {
  id: string;
  status: JobStatus;
  /** Base model. */
  model: string;
  /** The `ft:` model id, once the job succeeded. */
  fineTunedModel: string | null;
  trainingFile: string;
  validationFile: string | null;
  /** ISO 8601. */
  createdAt: string;
  finishedAt: string | null;
  trainedTokens: number | null;
  epochs?: number | 'auto';
  error?: { code: string; message: string; param: string | null };
}

export interface JobEvent {
  id: string;
  createdAt: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface CreateJobOptions {
  trainingFile: string;
  validationFile?: string;
  /** Base model, e.g. `gpt-4.1-mini-2025-04-14`. */
  model: string;
  /** Up to 64 characters, part of the new model's name (`ft:…:<suffix>:…`). */
  suffix?: string;
  epochs?: number;
  seed?: number;
}

export const TERMINAL: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

/** A failed or cancelled job, when the caller wanted its model. */
export class JobFailedError extends Error {
  constructor(readonly job: JobInfo) {
    super(job.status === 'cancelled' ? `fine-tuning job ${job.id} was cancelled` : `fine-tuning job ${job.id} failed: ${job.error?.message ?? 'no reason given'}${job.error?.param ? ` (${job.error.param})` : ''}`);
    this.name = 'JobFailedError';
  }
}

const iso = (s: number | null | undefined): string | null => (typeof s === 'number' ? new Date(s * 1000).toISOString() : null);

export function jobInfo(j: FineTuningJob): JobInfo {
  const epochs = j.method?.supervised?.hyperparameters?.n_epochs ?? j.hyperparameters?.n_epochs;
  return {
    id: j.id, status: j.status, model: j.model, fineTunedModel: j.fine_tuned_model ?? null, trainingFile: j.training_file, validationFile: j.validation_file ?? null,
    createdAt: iso(j.created_at) ?? '', finishedAt: iso(j.finished_at), trainedTokens: j.trained_tokens ?? null,
    ...(epochs !== undefined ? { epochs } : {}),
    ...(j.error && j.error.message ? { error: { code: j.error.code, message: j.error.message, param: j.error.param ?? null } } : {}),
  };
}

export class FineTuneClient {
  readonly baseURL: string;
  private readonly client: OpenAI;
  private readonly maxRetries: number;
  private readonly backoff: BackoffPolicy;
  private readonly timeoutMs: number;

  constructor(private readonly cfg: FineTuneClientConfig = {}) {
    this.baseURL = (cfg.baseURL || 'https://api.openai.com/v1').replace(/\/+$/, '');
    this.timeoutMs = cfg.timeoutMs ?? 120_000;
    this.maxRetries = Math.max(0, cfg.maxRetries ?? 3);
    this.backoff = { initialBackoffMs: cfg.initialBackoffMs ?? 500, maxBackoffMs: cfg.maxBackoffMs ?? 20_000, maxRetryAfterMs: 60_000 };
    this.client = new OpenAI({
      baseURL: this.baseURL, apiKey: cfg.apiKey || 'not-needed', maxRetries: 0, timeout: this.timeoutMs,
      defaultHeaders: cfg.headers, defaultQuery: cfg.query, fetch: cfg.fetch, logLevel: 'off',
    });
  }

  /** Uploads a JSONL file for fine-tuning; returns the file id. */
  async uploadFile(file: string, opts: { signal?: AbortSignal } = {}): Promise<{ id: string; bytes: number; filename: string }> {
    const data = await fs.readFile(file);
    const filename = path.basename(file);
    const res = await this.call('upload', async (signal) => this.client.files.create({ file: await toFile(data, filename, { type: 'application/jsonl' }), purpose: 'fine-tune' }, { signal }), opts.signal);
    return { id: res.id, bytes: res.bytes ?? data.length, filename };
  }

  async createJob(o: CreateJobOptions, opts: { signal?: AbortSignal } = {}): Promise<JobInfo> {
    const body: JobCreateParams = { model: o.model, training_file: o.trainingFile };
    if (o.validationFile) body.validation_file = o.validationFile;
    if (o.suffix) body.suffix = o.suffix;
    if (o.seed !== undefined) body.seed = o.seed;
    if (o.epochs !== undefined) body.method = { type: 'supervised', supervised: { hyperparameters: { n_epochs: o.epochs } } };
    return jobInfo(await this.call('create job', (signal) => this.client.fineTuning.jobs.create(body, { signal }), opts.signal));
  }

  async getJob(id: string, opts: { signal?: AbortSignal } = {}): Promise<JobInfo> {
    return jobInfo(await this.call(`job ${id}`, (signal) => this.client.fineTuning.jobs.retrieve(id, { signal }), opts.signal));
  }

  async cancelJob(id: string, opts: { signal?: AbortSignal } = {}): Promise<JobInfo> {
    return jobInfo(await this.call(`job ${id}`, (signal) => this.client.fineTuning.jobs.cancel(id, { signal }), opts.signal));
  }

  /** Past jobs, newest first. */
  async listJobs(opts: { limit?: number; signal?: AbortSignal } = {}): Promise<JobInfo[]> {
    const page = await this.call('list jobs', (signal) => this.client.fineTuning.jobs.list({ limit: opts.limit ?? 20 }, { signal }), opts.signal);
    return page.data.map(jobInfo);
  }

  /** The latest events of a job, oldest first. */
  async events(id: string, opts: { limit?: number; signal?: AbortSignal } = {}): Promise<JobEvent[]> {
    const page = await this.call(`job ${id}`, (signal) => this.client.fineTuning.jobs.listEvents(id, { limit: opts.limit ?? 50 }, { signal }), opts.signal);
    return page.data.map((e: FineTuningJobEvent) => ({ id: e.id, createdAt: iso(e.created_at) ?? '', level: e.level, message: e.message }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * Polls a job until it ends (or `signal` fires), reporting each new event once and each status change.
   * Returns the final job; does not throw for a failed job (see `waitForModel`).
   */
  async follow(id: string, o: { pollMs?: number; onEvent?(e: JobEvent): void; onStatus?(j: JobInfo): void; signal?: AbortSignal } = {}): Promise<JobInfo> {
    const seen = new Set<string>();
    let last: JobStatus | undefined;
    for (;;) {
      const job = await this.getJob(id, { signal: o.signal });
      for (const e of await this.events(id, { signal: o.signal })) {
        if (seen.has(e.id)) continue;
        seen.add(e.id);
        o.onEvent?.(e);
      }
      if (job.status !== last) {
        last = job.status;
        o.onStatus?.(job);
      }
      if (TERMINAL.includes(job.status)) return job;
      await sleep(o.pollMs ?? 15_000, o.signal);
    }
  }

  /** Follows a job to its end; the `ft:` model id when it succeeded, JobFailedError otherwise. */
  async waitForModel(id: string, o: Parameters<FineTuneClient['follow']>[1] = {}): Promise<string> {
    const job = await this.follow(id, o);
    if (job.status !== 'succeeded' || !job.fineTunedModel) throw new JobFailedError(job);
    return job.fineTunedModel;
  }

  /** One request with retries; errors mapped to one actionable AssistantError. */
  private async call<T>(what: string, fn: (signal: AbortSignal | undefined) => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortError();
      try {
        return await fn(signal);
      } catch (e) {
        if (signal?.aborted) throw abortError();
        if (!isRetryable(e) || attempt >= this.maxRetries) throw this.describe(e, what, isRetryable(e) ? attempt : 0);
        await sleep(backoffMs(attempt, e, this.backoff), signal);
      }
    }
  }

  private describe(e: unknown, what: string, retries: number): AssistantError {
    if (e instanceof APIError && e.status === 404) {
      const msg = serverMessage(e);
      return /^job /.test(what)
        ? new AssistantError('bad-request', `fine-tuning ${what} not found at ${this.baseURL}${msg ? `: ${msg}` : ''}`, 404)
        : new AssistantError('bad-request', `${this.baseURL} has no fine-tuning API (404 on ${what}) — fine-tuning needs OpenAI or a compatible service${msg ? `: ${msg}` : ''}`, 404);
    }
    const err = classifyError(e, { url: this.baseURL, model: '(fine-tuning)', timeoutMs: this.timeoutMs, apiKey: this.cfg.apiKey }, retries);
    err.message = `${what}: ${err.message}`;
    return err;
  }
}

export interface StartJobOptions extends Omit<CreateJobOptions, 'trainingFile' | 'validationFile'> {
  /** Local JSONL paths. */
  trainFile: string;
  validationFile?: string;
  onProgress?(p: FtProgress): void;
  signal?: AbortSignal;
}

/** Uploads the training (and validation) file and creates the job. */
export async function startJob(client: FineTuneClient, o: StartJobOptions): Promise<JobInfo & { uploaded: { training: string; validation?: string } }> {
  const total = o.validationFile ? 3 : 2;
  o.onProgress?.({ message: `uploading ${path.basename(o.trainFile)}`, done: 0, total });
  const train = await client.uploadFile(o.trainFile, { signal: o.signal });
  let val: string | undefined;
  if (o.validationFile) {
    o.onProgress?.({ message: `uploading ${path.basename(o.validationFile)}`, done: 1, total });
    val = (await client.uploadFile(o.validationFile, { signal: o.signal })).id;
  }
  o.onProgress?.({ message: `creating the job on ${o.model}`, done: total - 1, total });
  const job = await client.createJob({ trainingFile: train.id, validationFile: val, model: o.model, suffix: o.suffix, epochs: o.epochs, seed: o.seed }, { signal: o.signal });
  o.onProgress?.({ message: `job ${job.id}: ${job.status}`, done: total, total });
  return { ...job, uploaded: { training: train.id, ...(val ? { validation: val } : {}) } };
}
