/**
 * Token counts of fine-tuning examples (gpt-tokenizer, o200k_base: the encoding of the gpt-4o / 4.1
 * families) and the per-example limits of known base models. The chat overhead is approximated the way
 * OpenAI's cookbook does: 3 tokens per message plus the role, 3 to prime the reply; tool calls and tool
 * definitions are counted as their JSON text plus a few tokens each. Approximate, on the safe side.
 */
import type { FtExample } from './types';

type Counter = (text: string) => number;
let counter: Counter | undefined;

/** Tokens of `text` (special-token strings in it count as text). The encoding loads on first use. */
export function countTextTokens(text: string): number {
  if (!counter) {
    // Loaded lazily: the ranks table is large and only fine-tuning needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const enc = require('gpt-tokenizer/encoding/o200k_base') as typeof import('gpt-tokenizer/encoding/o200k_base');
    const opts = { disallowedSpecial: new Set<string>() };
    counter = (t) => (t ? enc.countTokens(t, opts) : 0);
  }
  return counter(text);
}

const PER_MESSAGE = 4; // <|start|>role … <|end|>
const PER_TOOL_CALL = 7;
const PER_TOOL = 10;
const REPLY_PRIMING = 3;

export interface ExampleTokens {
  /** Everything the model reads and writes in the example. */
  total: number;
  /** Assistant messages only (what supervised training learns from). */
  assistant: number;
}

export function countExampleTokens(ex: FtExample): ExampleTokens {
  let total = REPLY_PRIMING;
  let assistant = 0;
  for (const m of ex.messages) {
    let n = PER_MESSAGE + countTextTokens(typeof m.content === 'string' ? m.content : '');
    if (m.role === 'assistant') {
      for (const c of m.tool_calls ?? []) n += PER_TOOL_CALL + countTextTokens(c.function?.name ?? '') + countTextTokens(c.function?.arguments ?? '');
      assistant += n;
    }
    total += n;
  }
  for (const t of ex.tools ?? []) total += PER_TOOL + countTextTokens(JSON.stringify(t.function ?? t));
  return { total, assistant };
}

/**
 * Training tokens per example of the base models OpenAI fine-tunes (the per-example context, which is
 * below the inference context). Keys match the model id's start; the longest match wins.
 */
export const MODEL_TOKEN_LIMITS: Record<string, number> = {
  'gpt-4.1': 65_536,
  'gpt-4.1-mini': 65_536,
  'gpt-4.1-nano': 65_536,
  'gpt-4o': 65_536,
  'gpt-4o-mini': 65_536,
  'gpt-3.5-turbo': 16_385,
  'gpt-3.5-turbo-0613': 4_096,
  'babbage-002': 16_384,
  'davinci-002': 16_384,
};

/** Used when the model is not in the table and no --max-tokens is given. */
export const DEFAULT_TOKEN_LIMIT = 16_384;

/** The base model of a fine-tuned id (`ft:gpt-4o-mini-2024-07-18:org::abc` → `gpt-4o-mini-2024-07-18`). */
export function baseModelOf(model: string): string {
  return model.startsWith('ft:') ? model.split(':')[1] ?? model : model;
}

export interface TokenLimit {
  limit: number;
  /** Where it came from. */
  source: 'option' | 'table' | 'default';
}

export function tokenLimitFor(model: string | undefined, override?: number): TokenLimit {
  if (override !== undefined) return { limit: override, source: 'option' };
  const base = baseModelOf(model ?? '');
  const key = Object.keys(MODEL_TOKEN_LIMITS)
    .filter((k) => base === k || base.startsWith(k + '-'))
    .sort((a, b) => b.length - a.length)[0];
  return key ? { limit: MODEL_TOKEN_LIMITS[key], source: 'table' } : { limit: DEFAULT_TOKEN_LIMIT, source: 'default' };
}
