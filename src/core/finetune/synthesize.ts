/**
 * Training data for users with no traces yet: sample symbols of the index (sample.ts), ask a teacher
 * model (any OpenAI-compatible model) for realistic developer questions about each, run the normal agent
 * loop with the teacher, and keep only turns that would pass the export (citations all verified, no
 * tool errors, no round-limit stop) AND cite the sampled symbol's file at a range overlapping it.
 * Bounded by kept examples, teacher tokens (checked between requests, so the last turn may overshoot)
 * and symbols tried; cancellable (the partial result is returned).
 */
import { runTurn } from '../assistant/agent';
import { AssistantError } from '../assistant/errors';
import { ModelClient, type ChatModel } from '../assistant/modelClient';
import { redactSecrets } from '../assistant/redact';
import { TraceStore } from '../assistant/trace';
import type { AssistantSettings, AssistantWorkspace, ModelConfig, TraceRecord } from '../assistant/types';
import { exclusionReason } from './convert';
import { sampleSymbols, type SampledSymbol } from './sample';
import type { ExclusionReason, FtProgress } from './types';

export interface SynthesizeOptions {
  workspace: AssistantWorkspace;
  /** The teacher: it writes the questions and answers them through the agent loop. */
  teacher: ChatModel | ModelConfig;
  /** Stop once this many examples are kept. */
  maxExamples: number;
  /** Stop once the teacher used this many tokens (prompt + completion). Default unbounded. */
  maxTokens?: number;
  /** Symbols tried at most. Default 3 × maxExamples. */
  maxSymbols?: number;
  /** Questions asked per symbol. Default 1. */
  questionsPerSymbol?: number;
  seed?: number;
  settings?: Partial<AssistantSettings>;
  /** Kept turns are appended here (unrated; export them with the source's includeUnrated). */
  store?: TraceStore;
  onProgress?(p: SynthesisProgress): void;
  signal?: AbortSignal;
}

export interface SynthesisProgress extends FtProgress {
  kept: number;
  tried: number;
  tokens: number;
}

export type SynthesisRejection = Exclude<ExclusionReason, 'duplicate' | 'malformed' | 'rated-down' | 'unrated'> | 'no-question' | 'misses-symbol';

export interface SynthesizedExample {
  question: string;
  symbol: SampledSymbol;
  trace: TraceRecord;
}

export interface SynthesisResult {
  kept: SynthesizedExample[];
  /** Symbols asked about. */
  symbols: number;
  /** Questions run through the agent loop. */
  tried: number;
  rejected: Partial<Record<SynthesisRejection, number>>;
  /** Teacher tokens used (reported usage, or ≈ characters / 4 when the server reports none). */
  tokens: number;
  stoppedBy: 'examples' | 'tokens' | 'symbols' | 'cancelled';
}

export const QUESTION_SYSTEM_PROMPT = `You write questions that developers ask about their own codebase. Given one definition from the codebase, write realistic questions a developer working on this project would ask whose answer is in that definition: how it works, why it behaves some way, where something is handled, what calls what, how to change it. Mention names the way a developer would; do not mention line numbers or that you were shown the code. Reply with JSON only: {"questions": ["…"]}.`;

/** The request for questions about one symbol (redacted: it goes to the teacher). */
export function questionPrompt(s: SampledSymbol, n: number): string {
  const code = s.text.split('\n').slice(0, 80).join('\n');
  const doc = s.doc ? `\nDoc comment: ${s.doc.slice(0, 500)}` : '';
  return redactSecrets(`File: ${s.path} (${s.language})\nDefinition: ${s.kind} ${s.qualifiedName || s.name}${doc}\n\n\`\`\`\n${code}\n\`\`\`\n\nWrite ${n} question${n === 1 ? '' : 's'}.`).text;
}

/** Questions in a teacher reply: `{"questions": [...]}`, a JSON array, or a list of lines. */
export function parseQuestions(text: string): string[] {
  const body = text.replace(/^[\s\S]*?```(?:json)?\s*([\s\S]*?)```[\s\S]*$/, '$1').trim();
  let list: unknown;
  try {
    const v = JSON.parse(body) as unknown;
    list = Array.isArray(v) ? v : (v as { questions?: unknown }).questions;
  } catch {
    list = body.split('\n').map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').trim());
  }
  if (!Array.isArray(list)) return [];
  return list.filter((q): q is string => typeof q === 'string').map((q) => q.trim()).filter((q) => q.length >= 8 && q.length <= 400);
}

/** A trace store that keeps records in memory (runTurn hands us the full record this way). */
class CaptureStore extends TraceStore {
  last: TraceRecord | undefined;
  constructor() {
    super('(memory)');
  }
  override append(record: TraceRecord): Promise<void> {
    this.last = record;
    return Promise.resolve();
  }
}

/** Whether a verified citation of the answer names the symbol's file at an overlapping range. */
export function citesSymbol(r: TraceRecord, s: SampledSymbol): boolean {
  return r.citations.some((c) => c.status === 'verified' && c.path === s.path && c.startLine <= s.endLine && c.endLine >= s.startLine);
}

export async function synthesize(o: SynthesizeOptions): Promise<SynthesisResult> {
  const teacher: ChatModel = typeof (o.teacher as ChatModel).chat === 'function' ? (o.teacher as ChatModel) : new ModelClient(o.teacher as ModelConfig);
  const perSymbol = Math.max(1, o.questionsPerSymbol ?? 1);
  const maxSymbols = o.maxSymbols ?? o.maxExamples * 3;
  const symbols = sampleSymbols(o.workspace.index, maxSymbols, { seed: o.seed });
  const res: SynthesisResult = { kept: [], symbols: 0, tried: 0, rejected: {}, tokens: 0, stoppedBy: 'symbols' };
  const reject = (r: SynthesisRejection) => (res.rejected[r] = (res.rejected[r] ?? 0) + 1);
  const progress = (message: string) => o.onProgress?.({ message, done: res.kept.length, total: o.maxExamples, kept: res.kept.length, tried: res.tried, tokens: res.tokens });
  const budgetLeft = () => o.maxTokens === undefined || res.tokens < o.maxTokens;
  try {
    for (const sym of symbols) {
      if (res.kept.length >= o.maxExamples) return { ...res, stoppedBy: 'examples' };
      if (!budgetLeft()) return { ...res, stoppedBy: 'tokens' };
      if (o.signal?.aborted) return { ...res, stoppedBy: 'cancelled' };
      res.symbols++;
      progress(`asking about ${sym.qualifiedName || sym.name} (${sym.path})`);
      const prompt = questionPrompt(sym, perSymbol);
      const q = await teacher.chat({ messages: [{ role: 'system', content: QUESTION_SYSTEM_PROMPT }, { role: 'user', content: prompt }], tools: [], toolChoice: 'none', signal: o.signal });
      res.tokens += q.usage?.totalTokens || Math.ceil((QUESTION_SYSTEM_PROMPT.length + prompt.length + q.content.length) / 4);
      const questions = parseQuestions(q.content).slice(0, perSymbol);
      if (!questions.length) reject('no-question');
      for (const question of questions) {
        if (res.kept.length >= o.maxExamples || !budgetLeft()) break;
        res.tried++;
        progress(`answering: ${question.slice(0, 80)}`);
        const capture = new CaptureStore();
        try {
          await runTurn({ question, workspace: o.workspace, model: teacher, settings: o.settings, signal: o.signal, trace: capture });
        } catch (e) {
          if (e instanceof AssistantError && e.code === 'aborted') throw e;
          // A failed turn is recorded with its error: counted below.
        }
        const rec = capture.last;
        if (!rec) {
          reject('error');
          continue;
        }
        res.tokens += rec.usage.totalTokens || Math.ceil(rec.messages.reduce((n, m) => n + (m.content?.length ?? 0), 0) / 4);
        const why = exclusionReason(rec, { includeUnrated: true });
        if (why) {
          reject(why as SynthesisRejection);
          continue;
        }
        if (!citesSymbol(rec, sym)) {
          reject('misses-symbol');
          continue;
        }
        await o.store?.append(rec);
        res.kept.push({ question, symbol: sym, trace: rec });
        progress(`kept ${res.kept.length}/${o.maxExamples}`);
      }
    }
    if (res.kept.length >= o.maxExamples) res.stoppedBy = 'examples';
    else if (!budgetLeft()) res.stoppedBy = 'tokens';
    return res;
  } catch (e) {
    if ((e instanceof AssistantError && e.code === 'aborted') || o.signal?.aborted) return { ...res, stoppedBy: 'cancelled' };
    throw e;
  }
}
