/**
 * An in-memory fake of the OpenAI files and fine-tuning endpoints on the test server (real HTTP, the real
 * `openai` SDK on the other side): `/v1/files` (multipart upload) and `/v1/fine_tuning/jobs` (create,
 * retrieve, events, cancel, list). Each `retrieve` advances a job one status along its plan and adds an
 * event; `plans` are consumed one per created job (default: succeeds on the fourth poll).
 *
 *   const ft = installFineTuning(server);
 *   ft.plans.push({ statuses: ['running', 'failed'], error: { code: 'invalid_file', message: 'bad line 3' } });
 */
import { parseMultipart, type OpenAITestServer, type RecordedRequest, type Reply, type ReplyFn } from '../../helpers/openaiTestServer';

export interface FakeFile {
  id: string;
  filename: string;
  purpose: string;
  bytes: number;
  content: string;
}

/** How a created job plays out: one status per `retrieve`, then it stays at the last. */
export interface FakeJobPlan {
  /** Default ['validating_files', 'queued', 'running', 'succeeded']. */
  statuses?: string[];
  /** Default `ft:<model>:pinpoint:<suffix>:<n>` when it succeeds. */
  fineTunedModel?: string;
  /** Set on the job when it reaches 'failed'. */
  error?: { code: string; message: string; param?: string | null };
}

export interface FakeJob {
  id: string;
  model: string;
  training_file: string;
  validation_file: string | null;
  suffix: string | null;
  body: Record<string, unknown>;
  plan: FakeJobPlan;
  /** Index into the plan's statuses. */
  step: number;
  status: string;
  events: { id: string; created_at: number; level: string; message: string; object: 'fine_tuning.job.event' }[];
  created_at: number;
}

const DONE = ['succeeded', 'failed', 'cancelled'];

export class FakeFineTuning {
  readonly files = new Map<string, FakeFile>();
  readonly jobs = new Map<string, FakeJob>();
  readonly plans: FakeJobPlan[] = [];
  private n = 0;

  constructor(server: OpenAITestServer) {
    server.route('POST', '/v1/files', (req) => this.upload(req));
    server.route('POST', '/v1/fine_tuning/jobs', (req) => this.create(req));
    server.route('GET', '/v1/fine_tuning/jobs', (req) => ({ json: { object: 'list', data: this.list(req).map((j) => this.view(j)), has_more: false } }));
    const jobPath = /^\/v1\/fine_tuning\/jobs\/([^/]+)(?:\/(events|cancel))?$/;
    const byId: ReplyFn = (req) => {
      const m = jobPath.exec(req.path)!;
      return this.jobRoute(req.method, m[1], m[2]);
    };
    server.routeMatching('GET', jobPath, byId).routeMatching('POST', jobPath, byId);
  }

  private upload(req: RecordedRequest): Reply {
    const parts = parseMultipart(req);
    const file = parts.find((p) => p.name === 'file');
    const purpose = parts.find((p) => p.name === 'purpose')?.data ?? '';
    if (!file) return { status: 400, json: { error: { message: 'missing file part', type: 'invalid_request_error' } } };
    const f: FakeFile = { id: `file-${++this.n}`, filename: file.filename ?? 'upload', purpose, bytes: Buffer.byteLength(file.data), content: file.data };
    this.files.set(f.id, f);
    return { json: { id: f.id, object: 'file', bytes: f.bytes, created_at: 1700000000, filename: f.filename, purpose, status: 'processed' } };
  }

  private create(req: RecordedRequest): Reply {
    const body = (req.json ?? {}) as Record<string, unknown>;
    const training = String(body.training_file ?? '');
    if (!this.files.has(training)) return { status: 400, json: { error: { message: `invalid training_file: ${training}`, param: 'training_file', code: 'invalid_file' } } };
    const id = `ftjob-${++this.n}`;
    const plan = this.plans.shift() ?? {};
    const job: FakeJob = {
      id, model: String(body.model), training_file: training, validation_file: (body.validation_file as string) ?? null, suffix: (body.suffix as string) ?? null,
      body, plan, step: -1, status: 'validating_files', events: [], created_at: 1700000000 + this.n,
    };
    this.event(job, 'info', `Created fine-tuning job: ${id}`);
    this.jobs.set(id, job);
    return { json: this.view(job) };
  }

  private list(req: RecordedRequest): FakeJob[] {
    const limit = Number(req.query.get('limit') ?? 20);
    return [...this.jobs.values()].reverse().slice(0, limit);
  }

  private jobRoute(method: string, id: string, sub: string | undefined): Reply {
    const job = this.jobs.get(id);
    if (!job) return { status: 404, json: { error: { message: `Could not find fine-tune: ${id}`, type: 'invalid_request_error' } } };
    if (method === 'GET' && sub === 'events') return { json: { object: 'list', data: [...job.events].reverse(), has_more: false } };
    if (method === 'POST' && sub === 'cancel') {
      if (DONE.includes(job.status)) return { status: 400, json: { error: { message: `Job ${id} has already completed.` } } };
      job.status = 'cancelled';
      this.event(job, 'info', 'Job cancelled');
      return { json: this.view(job) };
    }
    if (method === 'GET' && !sub) {
      const statuses = job.plan.statuses ?? ['validating_files', 'queued', 'running', 'succeeded'];
      if (job.status !== 'cancelled' && job.step < statuses.length - 1) {
        job.step++;
        job.status = statuses[job.step];
        const failed = job.status === 'failed';
        this.event(job, failed ? 'error' : 'info', failed ? `Job failed: ${job.plan.error?.message ?? 'unknown'}` : `Job status: ${job.status}`);
      }
      return { json: this.view(job) };
    }
    return { status: 405, json: { error: { message: `${method} not allowed` } } };
  }

  private event(job: FakeJob, level: string, message: string): void {
    job.events.push({ id: `ftevent-${job.id}-${job.events.length + 1}`, created_at: job.created_at + job.events.length, level, message, object: 'fine_tuning.job.event' });
  }

  /** The job as the API returns it. */
  view(job: FakeJob): Record<string, unknown> {
    const done = DONE.includes(job.status);
    const ftModel = job.status === 'succeeded' ? job.plan.fineTunedModel ?? `ft:${job.model}:pinpoint:${job.suffix ?? ''}:${job.id.replace(/\D/g, '')}` : null;
    const hp = ((job.body.method as { supervised?: { hyperparameters?: Record<string, unknown> } } | undefined)?.supervised?.hyperparameters) ?? {};
    return {
      id: job.id, object: 'fine_tuning.job', model: job.model, created_at: job.created_at, finished_at: done ? job.created_at + 100 : null,
      fine_tuned_model: ftModel, organization_id: 'org-test', result_files: [], status: job.status,
      training_file: job.training_file, validation_file: job.validation_file, trained_tokens: job.status === 'succeeded' ? 1234 : null, seed: 42,
      hyperparameters: { n_epochs: hp.n_epochs ?? 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto' },
      error: job.status === 'failed' ? { code: job.plan.error?.code ?? 'failed', message: job.plan.error?.message ?? 'failed', param: job.plan.error?.param ?? null } : null,
      method: { type: 'supervised', supervised: { hyperparameters: hp } },
    };
  }
}

export function installFineTuning(server: OpenAITestServer): FakeFineTuning {
  return new FakeFineTuning(server);
}
