/**
 * Base vs fine-tuned: the same held-aside questions through the normal agent loop with each model, and
 * per model: citation validity (verified / all citations), groundedness (mean per answer), answers with
 * at least one citation, tool-call success, rounds, round-limit stops, failures, tokens, latency p50/p95.
 * Questions come from a JSONL file of `{"question": …}` lines, or from a fine-tuning split (the question
 * is taken from the last user message, after its `Question: ` line).
 */
import { promises as fs } from 'node:fs';
import { runTurn } from '../assistant/agent';
import { AssistantError } from '../assistant/errors';
import { ModelClient, type ChatModel } from '../assistant/modelClient';
import type { AssistantSettings, AssistantWorkspace, ModelConfig, TurnResult } from '../assistant/types';
import type { FtProgress } from './types';

export interface EvalAnswersOptions {
  questions: string[];
  models: (ChatModel | ModelConfig)[];
  workspace: AssistantWorkspace;
  settings?: Partial<AssistantSettings>;
  onProgress?(p: FtProgress): void;
  signal?: AbortSignal;
}

export interface ModelAnswerStats {
  model: string;
  questions: number;
  /** Turns that ended with an answer (not failed, not stopped). */
  answered: number;
  failed: number;
  roundLimitStops: number;
  /** Verified citations / all citations, over every answer. */
  citationValidity: number;
  citations: number;
  /** Mean of per-answer groundedness (0 for an answer without citations). */
  groundedness: number;
  /** Share of answers with at least one citation. */
  cited: number;
  /** Successful tool calls / all tool calls. */
  toolCallSuccess: number;
  toolCalls: number;
  meanRounds: number;
  /** Mean total tokens per question. */
  meanTokens: number;
  totalTokens: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  /** First error messages of failed turns (at most 5). */
  errors: string[];
}

export interface EvalAnswersReport {
  questions: number;
  models: ModelAnswerStats[];
  /** Per question, per model (same order as `models`): null when the turn failed. */
  results: { question: string; turns: (Pick<TurnResult, 'groundedness' | 'rounds' | 'ms'> & { citations: number; verified: number; stopped?: string } | null)[] }[];
}

/** Nearest-rank percentile of `xs` (0 for an empty list). */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const ratio = (a: number, b: number) => (b ? a / b : 0);

/** The question of one JSONL line: `{question}` or a fine-tuning example. Undefined when there is none. */
export function questionOfLine(v: unknown): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as { question?: unknown; messages?: { role?: string; content?: unknown }[] };
  if (typeof o.question === 'string' && o.question.trim()) return o.question.trim();
  if (!Array.isArray(o.messages)) return undefined;
  const user = [...o.messages].reverse().find((m) => m?.role === 'user' && typeof m.content === 'string');
  if (!user) return undefined;
  const text = user.content as string;
  const at = text.lastIndexOf('\nQuestion: ');
  return (at >= 0 ? text.slice(at + '\nQuestion: '.length) : text).trim() || undefined;
}

/** Reads questions from a JSONL file (see questionOfLine); throws naming the first line without one. */
export async function loadQuestions(file: string, limit?: number): Promise<string[]> {
  const out: string[] = [];
  const lines = (await fs.readFile(file, 'utf8')).split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(lines[i]);
    } catch {
      throw new Error(`${file}: line ${i + 1} is not valid JSON`);
    }
    const q = questionOfLine(v);
    if (!q) throw new Error(`${file}: line ${i + 1} has no question ({"question": …} or a fine-tuning example)`);
    out.push(q);
    if (limit !== undefined && out.length >= limit) break;
  }
  return out;
}

export async function evalAnswers(o: EvalAnswersOptions): Promise<EvalAnswersReport> {
  const models = o.models.map((m) => (typeof (m as ChatModel).chat === 'function' ? (m as ChatModel) : new ModelClient(m as ModelConfig)));
  const turns: (TurnResult | { error: string })[][] = models.map(() => []);
  const total = o.questions.length * models.length;
  let done = 0;
  for (let qi = 0; qi < o.questions.length; qi++) {
    for (let mi = 0; mi < models.length; mi++) {
      o.onProgress?.({ message: `${models[mi].model}: question ${qi + 1}/${o.questions.length}`, done, total });
      try {
        turns[mi].push(await runTurn({ question: o.questions[qi], workspace: o.workspace, model: models[mi], settings: o.settings, signal: o.signal }));
      } catch (e) {
        if ((e instanceof AssistantError && e.code === 'aborted') || o.signal?.aborted) throw e;
        turns[mi].push({ error: e instanceof Error ? e.message : String(e) });
      }
      done++;
    }
  }
  o.onProgress?.({ message: 'done', done, total });
  const stats = models.map((m, mi) => summarise(m.model, turns[mi]));
  const results = o.questions.map((question, qi) => ({
    question,
    turns: models.map((_, mi) => {
      const t = turns[mi][qi];
      if ('error' in t) return null;
      return { groundedness: t.groundedness, rounds: t.rounds, ms: t.ms, citations: t.citations.length, verified: t.citations.filter((c) => c.status === 'verified').length, ...(t.stopped ? { stopped: t.stopped } : {}) };
    }),
  }));
  return { questions: o.questions.length, models: stats, results };
}

function summarise(model: string, turns: (TurnResult | { error: string })[]): ModelAnswerStats {
  const ok = turns.filter((t): t is TurnResult => !('error' in t));
  const errors = turns.filter((t): t is { error: string } => 'error' in t).map((t) => t.error);
  const citations = ok.reduce((n, t) => n + t.citations.length, 0);
  const verified = ok.reduce((n, t) => n + t.citations.filter((c) => c.status === 'verified').length, 0);
  const calls = ok.flatMap((t) => t.toolCalls);
  const tokens = ok.reduce((n, t) => n + t.usage.totalTokens, 0);
  return {
    model,
    questions: turns.length,
    answered: ok.filter((t) => !t.stopped).length,
    failed: errors.length,
    roundLimitStops: ok.filter((t) => t.stopped === 'round-limit').length,
    citationValidity: ratio(verified, citations),
    citations,
    groundedness: ratio(ok.reduce((s, t) => s + t.groundedness, 0), turns.length),
    cited: ratio(ok.filter((t) => t.citations.length > 0).length, turns.length),
    toolCallSuccess: ratio(calls.filter((c) => c.ok).length, calls.length),
    toolCalls: calls.length,
    meanRounds: ratio(ok.reduce((s, t) => s + t.rounds, 0), ok.length),
    meanTokens: ratio(tokens, ok.length),
    totalTokens: tokens,
    latencyP50Ms: percentile(ok.map((t) => t.ms), 50),
    latencyP95Ms: percentile(ok.map((t) => t.ms), 95),
    errors: errors.slice(0, 5),
  };
}

/** The report as a side-by-side text table (one column per model). */
export function formatEvalAnswers(r: EvalAnswersReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const rows: [string, (s: ModelAnswerStats) => string][] = [
    ['answered', (s) => `${s.answered}/${s.questions}`],
    ['failed', (s) => String(s.failed)],
    ['round-limit stops', (s) => String(s.roundLimitStops)],
    ['citation validity', (s) => `${pct(s.citationValidity)} of ${s.citations}`],
    ['groundedness (mean)', (s) => s.groundedness.toFixed(3)],
    ['answers with citations', (s) => pct(s.cited)],
    ['tool-call success', (s) => `${pct(s.toolCallSuccess)} of ${s.toolCalls}`],
    ['rounds (mean)', (s) => s.meanRounds.toFixed(2)],
    ['tokens (mean)', (s) => Math.round(s.meanTokens).toString()],
    ['latency p50', (s) => `${Math.round(s.latencyP50Ms)} ms`],
    ['latency p95', (s) => `${Math.round(s.latencyP95Ms)} ms`],
  ];
  const header = ['', ...r.models.map((m) => m.model)];
  const table = [header, ...rows.map(([label, f]) => [label, ...r.models.map(f)])];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const lines = table.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  for (const m of r.models) for (const e of m.errors) lines.push(`${m.model}: error: ${e}`);
  return [`${r.questions} question(s)`, ...lines].join('\n');
}
