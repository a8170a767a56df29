import * as path from 'node:path';
import type { Command } from 'commander';
import { TraceStore } from '../../core/assistant/trace';
import { workspaceFromIndex } from '../../core/assistant/workspace';
import { exportDataset, writeDataset, type TraceSource } from '../../core/finetune/dataset';
import { FineTuneClient, startJob, type JobEvent, type JobInfo } from '../../core/finetune/jobs';
import { indexDirFor, SYNTHETIC_TRACE_FILE, tracesDirFor } from '../../core/finetune/paths';
import { JsonSettingsStore, MODEL_SETTINGS_FILE, rollbackModel, switchModel } from '../../core/finetune/settings';
import { synthesize } from '../../core/finetune/synthesize';
import { formatValidation, validateFile } from '../../core/finetune/validate';
import { CliError, usage } from '../errors';
import { addIndexOptions, openForCli, requireDir, type IndexCliOptions } from '../indexOptions';
import { endProgress, parseIntOption, printJson, printLine, progress } from '../output';

/** The API a command talks to: `--base-url`, else PINPOINT_BASE_URL / OPENAI_BASE_URL, else OpenAI. Key from the environment only. */
export function apiFromEnv(baseUrl?: string): { baseURL: string; apiKey?: string } {
  return {
    baseURL: baseUrl ?? process.env.PINPOINT_BASE_URL ?? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
    apiKey: process.env.PINPOINT_API_KEY ?? process.env.OPENAI_API_KEY,
  };
}

const parseFraction = (name: string, max: number) => (v: string): number => {
  const n = Number(v);
  if (!(n >= 0 && n <= max)) throw usage(`${name} must be a number from 0 to ${max}, got "${v}"`);
  return n;
};

/** Runs `fn` with an AbortSignal that Ctrl-C fires. */
async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  const onInt = () => ctl.abort();
  process.once('SIGINT', onInt);
  try {
    return await fn(ctl.signal);
  } finally {
    process.removeListener('SIGINT', onInt);
  }
}

function jobLine(j: JobInfo): string {
  const extra = j.fineTunedModel ? `  → ${j.fineTunedModel}` : j.error ? `  error: ${j.error.message}` : '';
  return `${j.id}  ${j.status.padEnd(16)} ${j.model}  ${j.createdAt}${extra}`;
}

interface WsOptions {
  workspace: string;
  indexDir?: string;
  settings?: string;
}

function settingsStore(o: WsOptions): JsonSettingsStore {
  return new JsonSettingsStore(o.settings ? path.resolve(o.settings) : path.join(indexDirFor(o.workspace, o.indexDir), MODEL_SETTINGS_FILE));
}

/** Follows a job on the terminal; switches to its model when asked and it succeeded. */
async function follow(client: FineTuneClient, id: string, o: { pollSeconds: number; json?: boolean; switchTo?: WsOptions }): Promise<JobInfo> {
  const job = await withInterrupt((signal) =>
    client.follow(id, {
      pollMs: o.pollSeconds * 1000,
      signal,
      onEvent: (e: JobEvent) => !o.json && printLine(`${e.createdAt}  ${e.level.padEnd(5)} ${e.message}`),
      onStatus: (j) => !o.json && printLine(`status: ${j.status}`),
    }).catch((e: Error) => {
      if (signal.aborted) throw new CliError(`stopped following ${id}; the job goes on (pinpoint finetune status ${id} --follow)`);
      throw e;
    }),
  );
  if (job.status === 'failed') throw new CliError(`fine-tuning job ${id} failed: ${job.error?.message ?? 'no reason given'}`);
  if (job.status === 'succeeded' && job.fineTunedModel && o.switchTo) {
    const s = await switchModel(settingsStore(o.switchTo), job.fineTunedModel);
    if (!o.json) printLine(`switched the assistant to ${s.model} (roll back with: pinpoint finetune rollback --workspace ${o.switchTo.workspace})`);
  }
  return job;
}

export function register(program: Command): void {
  const ft = program.command('finetune').description('fine-tune the assistant model on verified traces: export, synthesize, validate, start, status, cancel, list, switch, rollback');

  ft.command('export')
    .description('write verified, 👍-rated turns of the trace store as chat fine-tuning JSONL (with tools), split into train/validation')
    .requiredOption('--workspace <dir>', 'workspace folder (its trace store: <index dir>/traces)')
    .option('--index-dir <dir>', 'index directory (default: ~/.cache/pinpoint/<folder>-<hash>)')
    .option('--traces <dir>', 'trace store directory (default: <index dir>/traces)')
    .option('--include-unrated', 'also take turns nobody rated (👎 turns are never taken)')
    .option('--synthetic', `also take synthesized turns (<traces>/${SYNTHETIC_TRACE_FILE})`)
    .requiredOption('--out <file.jsonl>', 'training file; the validation split goes to <file>.val.jsonl, the manifest to <file>.manifest.json')
    .option('--val-out <file>', 'validation file')
    .option('--val-fraction <x>', 'share of examples for validation (0–0.5)', parseFraction('--val-fraction', 0.5), 0.1)
    .option('--seed <s>', 'salt of the train/validation split', 'pinpoint')
    .option('--tool-result-chars <n>', 'characters of one tool result kept', parseIntOption('--tool-result-chars', 200), 4000)
    .option('--dedupe-threshold <x>', 'Jaccard similarity of question word-bigrams at which questions are duplicates', parseFraction('--dedupe-threshold', 1), 0.8)
    .option('--json', 'print the export report as JSON')
    .action(async (o: { workspace: string; indexDir?: string; traces?: string; includeUnrated?: boolean; synthetic?: boolean; out: string; valOut?: string; valFraction: number; seed: string; toolResultChars: number; dedupeThreshold: number; json?: boolean }) => {
      requireDir(o.workspace);
      const dir = tracesDirFor(o.workspace, o);
      const sources: TraceSource[] = [{ store: new TraceStore(dir) }];
      if (o.synthetic) sources.push({ store: new TraceStore(dir, SYNTHETIC_TRACE_FILE), includeUnrated: true });
      const opts = { valFraction: o.valFraction, seed: o.seed, dedupeThreshold: o.dedupeThreshold, toolResultChars: o.toolResultChars };
      const res = await exportDataset({ sources, includeUnrated: o.includeUnrated, ...opts });
      if (!res.examples.length) throw new CliError(`no turn of ${dir} qualifies (${res.read} read; excluded: ${JSON.stringify(res.excluded)})${o.includeUnrated ? '' : ' — rate answers 👍, or pass --include-unrated'}`);
      const files = await writeDataset(res, o.out, { valFile: o.valOut, ...opts });
      const report = { traces: dir, read: res.read, skippedLines: res.skippedLines, train: res.train.length, validation: res.validation.length, excluded: res.excluded, duplicates: res.duplicates.length, files };
      if (o.json) return printJson(report);
      printLine(`${res.read} turn(s) read from ${dir}: ${res.train.length} training, ${res.validation.length} validation example(s)`);
      for (const [reason, n] of Object.entries(res.excluded)) printLine(`  excluded ${reason}: ${n}`);
      printLine(`wrote ${files.trainFile}${files.validationFile ? `, ${files.validationFile}` : ''}, ${files.manifestFile}`);
      if (res.train.length < 10) printLine(`note: OpenAI needs at least 10 training examples (have ${res.train.length})`);
    });

  addIndexOptions(
    ft.command('synthesize')
      .description('generate training turns from the codebase: a teacher model asks about sampled symbols and answers through the normal agent loop; only verified answers citing the symbol are kept')
      .requiredOption('--workspace <dir>', 'workspace folder')
      .requiredOption('--model <id>', 'teacher model (any OpenAI-compatible chat model)')
      .option('--base-url <url>', 'teacher endpoint (env PINPOINT_BASE_URL / OPENAI_BASE_URL; default OpenAI)')
      .option('--examples <n>', 'stop after keeping this many', parseIntOption('--examples', 1), 20)
      .option('--max-tokens-budget <n>', 'stop after the teacher used this many tokens', parseIntOption('--max-tokens-budget', 1))
      .option('--symbols <n>', 'symbols tried at most (default 3 × --examples)', parseIntOption('--symbols', 1))
      .option('--questions-per-symbol <n>', 'questions asked per symbol', parseIntOption('--questions-per-symbol', 1), 1)
      .option('--seed <n>', 'sampling seed', parseIntOption('--seed', 0), 1)
      .option('--traces <dir>', 'trace store directory (default: <index dir>/traces); kept turns go to its synthetic.jsonl')
      .option('--json', 'print the result as JSON'),
  ).action(async (o: IndexCliOptions & { workspace: string; model: string; baseUrl?: string; examples: number; maxTokensBudget?: number; symbols?: number; questionsPerSymbol: number; seed: number; traces?: string; json?: boolean }) => {
    const idx = await openForCli(o.workspace, o, { write: false });
    try {
      if (!idx.readOnly) await idx.indexer.indexAll();
      const store = new TraceStore(tracesDirFor(o.workspace, o), SYNTHETIC_TRACE_FILE);
      const res = await withInterrupt((signal) =>
        synthesize({
          workspace: workspaceFromIndex(idx), teacher: { ...apiFromEnv(o.baseUrl), model: o.model }, maxExamples: o.examples, maxTokens: o.maxTokensBudget,
          maxSymbols: o.symbols, questionsPerSymbol: o.questionsPerSymbol, seed: o.seed, store, signal,
          onProgress: (p) => progress(`[${p.kept}/${o.examples} kept, ${p.tried} tried, ${p.tokens} tokens] ${p.message}`),
        }),
      );
      endProgress();
      const report = { kept: res.kept.length, symbols: res.symbols, tried: res.tried, tokens: res.tokens, rejected: res.rejected, stoppedBy: res.stoppedBy, store: store.file };
      if (o.json) return printJson(report);
      printLine(`kept ${res.kept.length} of ${res.tried} answered question(s) about ${res.symbols} symbol(s); ${res.tokens} teacher tokens; stopped by ${res.stoppedBy}`);
      for (const [reason, n] of Object.entries(res.rejected)) printLine(`  rejected ${reason}: ${n}`);
      printLine(`appended to ${store.file}; export with: pinpoint finetune export --workspace ${o.workspace} --synthetic --out train.jsonl`);
    } finally {
      await idx.close();
    }
  });

  ft.command('validate')
    .description('check a chat fine-tuning JSONL file before upload: format, tool-call pairing, tool schemas, token counts, example count (exit 1 when invalid)')
    .argument('<file>', 'JSONL file')
    .option('--model <id>', 'base model (for its per-example token limit)')
    .option('--max-tokens <n>', 'per-example token limit (overrides the model table)', parseIntOption('--max-tokens', 1))
    .option('--epochs <n>', 'epochs for the training-token estimate', parseIntOption('--epochs', 1), 3)
    .option('--min-examples <n>', 'minimum examples', parseIntOption('--min-examples', 1), 10)
    .option('--json', 'print the report as JSON')
    .action(async (file: string, o: { model?: string; maxTokens?: number; epochs: number; minExamples: number; json?: boolean }) => {
      const r = await validateFile(file, o).catch((e: NodeJS.ErrnoException) => {
        throw new CliError(`cannot read ${file}: ${e.code ?? e.message}`);
      });
      if (o.json) printJson(r);
      else printLine(formatValidation(r, file));
      if (!r.ok) throw new CliError(`${file} is not valid: ${r.defects.length} defect(s)${o.json ? '' : ' (listed above)'}`);
    });

  ft.command('start')
    .description('validate, upload the file(s) and create a fine-tuning job')
    .argument('<train.jsonl>', 'training file')
    .requiredOption('--model <id>', 'base model, e.g. gpt-4.1-mini-2025-04-14')
    .option('--validation <file>', 'validation file')
    .option('--suffix <s>', 'name part of the new model (ft:<base>:<org>:<suffix>:<id>)', 'pinpoint')
    .option('--epochs <n>', 'epochs (default: the service decides)', parseIntOption('--epochs', 1))
    .option('--seed <n>', 'training seed', parseIntOption('--seed', 0))
    .option('--base-url <url>', 'fine-tuning API (env PINPOINT_BASE_URL / OPENAI_BASE_URL; default OpenAI)')
    .option('--follow', 'follow the job until it ends')
    .option('--poll-seconds <n>', 'poll interval with --follow', parseIntOption('--poll-seconds', 1), 15)
    .option('--switch', 'with --follow: switch the assistant to the new model when the job succeeds (needs --workspace)')
    .option('--workspace <dir>', 'workspace whose assistant model --switch sets')
    .option('--index-dir <dir>', 'index directory of --workspace')
    .option('--settings <file>', 'model settings file (default: <index dir>/assistant-model.json)')
    .option('--json', 'print the job as JSON')
    .action(async (train: string, o: { model: string; validation?: string; suffix: string; epochs?: number; seed?: number; baseUrl?: string; follow?: boolean; pollSeconds: number; switch?: boolean; workspace?: string; indexDir?: string; settings?: string; json?: boolean }) => {
      if (o.switch && (!o.follow || !o.workspace)) throw usage('--switch needs --follow and --workspace');
      for (const f of [train, ...(o.validation ? [o.validation] : [])]) {
        const r = await validateFile(f, { model: o.model, epochs: o.epochs, minExamples: f === train ? 10 : 1 }).catch((e: NodeJS.ErrnoException) => {
          throw new CliError(`cannot read ${f}: ${e.code ?? e.message}`);
        });
        if (!r.ok) {
          printLine(formatValidation(r, f));
          throw new CliError(`${f} is not valid: ${r.defects.length} defect(s); nothing was uploaded`);
        }
      }
      const client = new FineTuneClient(apiFromEnv(o.baseUrl));
      const job = await withInterrupt((signal) =>
        startJob(client, { trainFile: train, validationFile: o.validation, model: o.model, suffix: o.suffix, epochs: o.epochs, seed: o.seed, signal, onProgress: (p) => !o.json && printLine(p.message) }),
      );
      if (!o.follow) {
        if (o.json) return printJson(job);
        return printLine(`started ${job.id}; follow it with: pinpoint finetune status ${job.id} --follow`);
      }
      const done = await follow(client, job.id, { pollSeconds: o.pollSeconds, json: o.json, switchTo: o.switch ? { workspace: o.workspace!, indexDir: o.indexDir, settings: o.settings } : undefined });
      if (o.json) return printJson(done);
      printLine(jobLine(done));
    });

  ft.command('status')
    .description('show a job (and its latest events); --follow polls until it ends')
    .argument('<job-id>', 'fine-tuning job id')
    .option('--follow', 'poll until the job ends')
    .option('--poll-seconds <n>', 'poll interval', parseIntOption('--poll-seconds', 1), 15)
    .option('--switch', 'with --follow: switch the assistant to the new model on success (needs --workspace)')
    .option('--workspace <dir>', 'workspace whose assistant model --switch sets')
    .option('--index-dir <dir>', 'index directory of --workspace')
    .option('--settings <file>', 'model settings file')
    .option('--base-url <url>', 'fine-tuning API')
    .option('--json', 'print the job as JSON')
    .action(async (id: string, o: { follow?: boolean; pollSeconds: number; switch?: boolean; workspace?: string; indexDir?: string; settings?: string; baseUrl?: string; json?: boolean }) => {
      if (o.switch && (!o.follow || !o.workspace)) throw usage('--switch needs --follow and --workspace');
      const client = new FineTuneClient(apiFromEnv(o.baseUrl));
      if (o.follow) {
        const job = await follow(client, id, { pollSeconds: o.pollSeconds, json: o.json, switchTo: o.switch ? { workspace: o.workspace!, indexDir: o.indexDir, settings: o.settings } : undefined });
        return o.json ? printJson(job) : printLine(jobLine(job));
      }
      const [job, events] = await Promise.all([client.getJob(id), client.events(id, { limit: 10 })]);
      if (o.json) return printJson({ ...job, events });
      printLine(jobLine(job));
      for (const e of events) printLine(`  ${e.createdAt}  ${e.level.padEnd(5)} ${e.message}`);
    });

  ft.command('cancel')
    .description('cancel a job')
    .argument('<job-id>', 'fine-tuning job id')
    .option('--base-url <url>', 'fine-tuning API')
    .option('--json', 'print the job as JSON')
    .action(async (id: string, o: { baseUrl?: string; json?: boolean }) => {
      const job = await new FineTuneClient(apiFromEnv(o.baseUrl)).cancelJob(id);
      return o.json ? printJson(job) : printLine(jobLine(job));
    });

  ft.command('list')
    .description('list past fine-tuning jobs, newest first')
    .option('--limit <n>', 'jobs shown', parseIntOption('--limit', 1), 20)
    .option('--base-url <url>', 'fine-tuning API')
    .option('--json', 'print the jobs as JSON')
    .action(async (o: { limit: number; baseUrl?: string; json?: boolean }) => {
      const jobs = await new FineTuneClient(apiFromEnv(o.baseUrl)).listJobs({ limit: o.limit });
      if (o.json) return printJson(jobs);
      for (const j of jobs) printLine(jobLine(j));
      if (!jobs.length) printLine('no fine-tuning jobs');
    });

  for (const name of ['switch', 'rollback'] as const) {
    const cmd = ft.command(name)
      .description(name === 'switch' ? 'make <model-id> the assistant model of a workspace (the current one is kept for rollback)' : 'go back to the assistant model used before the last switch');
    if (name === 'switch') cmd.argument('<model-id>', 'model id, e.g. ft:gpt-4.1-mini-2025-04-14:acme:pinpoint:abc123');
    cmd.requiredOption('--workspace <dir>', 'workspace folder')
      .option('--index-dir <dir>', 'index directory')
      .option('--settings <file>', 'model settings file (default: <index dir>/assistant-model.json)')
      .action(async (...args: unknown[]) => {
        const o = args[name === 'switch' ? 1 : 0] as WsOptions;
        requireDir(o.workspace);
        const store = settingsStore(o);
        const s = await (name === 'switch' ? switchModel(store, args[0] as string) : rollbackModel(store)).catch((e: Error) => {
          throw new CliError(e.message);
        });
        printLine(`assistant model: ${s.model}${s.previous.length ? ` (previous: ${s.previous[s.previous.length - 1]})` : ''} — ${store.file}`);
      });
  }
}
