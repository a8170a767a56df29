/**
 * From a trace record to one fine-tuning example: which turns qualify (`exclusionReason`), and the
 * conversion (`traceToExample`): the messages exactly as the model saw them, cut after the final answer
 * (a repair exchange is folded into the answer it produced), every text redacted again (redact.ts),
 * tool results over a character budget trimmed with a note saying so (cited lines are kept first).
 */
import { repairPrompt } from '../assistant/citations';
import { protocolErrorPrompt } from '../assistant/prompts';
import { redactSecrets } from '../assistant/redact';
import { TOOL_SPECS } from '../assistant/tools';
import type { TraceRecord } from '../assistant/types';
import type { ExclusionReason, FtExample, FtMessage, FtTool } from './types';

export interface SelectOptions {
  /** Take turns nobody rated (👍 is required otherwise). 👎 turns are never taken. */
  includeUnrated?: boolean;
}

export interface ConvertOptions {
  /** Characters of one tool result kept in the example. Default 4000. */
  toolResultChars?: number;
  /** The tool definitions written with each example. Default: the assistant's tools. */
  tools?: FtTool[];
}

export const DEFAULT_TOOL_RESULT_CHARS = 4000;

/** The assistant's tools in the chat fine-tuning format. */
export function assistantTools(): FtTool[] {
  return TOOL_SPECS.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters as Record<string, unknown> } }));
}

// The prompts the agent adds inside a turn, recognised by their fixed opening words.
const REPAIR_PREFIX = (repairPrompt([{ path: 'x', startLine: 1, endLine: 1, status: 'not-seen', raw: '[x:1]', offset: 0 }]) ?? '').split('\n')[0];
const PROTOCOL_PREFIX = protocolErrorPrompt('').split(':')[0];

/** Why a turn does not qualify, or undefined when it does. Checked in this order. */
export function exclusionReason(r: TraceRecord, o: SelectOptions = {}): ExclusionReason | undefined {
  if (r.model === 'offline') return 'offline';
  if (r.error) return 'error';
  if (r.stopped === 'round-limit') return 'round-limit';
  if (r.rating === 'down') return 'rated-down';
  if (r.rating !== 'up' && !o.includeUnrated) return 'unrated';
  if (!r.citations?.length) return 'no-citations';
  if (r.citations.some((c) => c.status !== 'verified')) return 'unverified-citation';
  if (r.toolCalls?.some((c) => !c.ok)) return 'tool-error';
  if (r.messages?.some((m) => m.role === 'user' && (m.content ?? '').startsWith(PROTOCOL_PREFIX))) return 'protocol-error';
  return undefined;
}

const redact = (s: string): string => redactSecrets(s).text;

/** Prompt-mode assistant messages carry their calls as a fenced JSON block as well: the example keeps the native form only. */
function stripCallBlock(content: string): string {
  return content.replace(/```(?:json)?\s*\{[\s\S]*?"tool_calls"[\s\S]*?```/g, '').trim();
}

/**
 * Converts a qualifying trace to an example (it does not re-check `exclusionReason`). Throws when the
 * recorded messages have no final answer.
 */
export function traceToExample(r: TraceRecord, o: ConvertOptions = {}): FtExample {
  const budget = o.toolResultChars ?? DEFAULT_TOOL_RESULT_CHARS;
  const cut = r.messages.findIndex((m, i) => i > 0 && m.role === 'user' && (m.content ?? '').startsWith(REPAIR_PREFIX));
  const msgs = cut >= 0 ? r.messages.slice(0, cut) : r.messages;
  const last = msgs[msgs.length - 1];
  if (!last || last.role !== 'assistant' || last.tool_calls?.length) throw new Error(`trace ${r.id}: the recorded messages do not end with a final answer`);
  const cited = citedLines(r);
  const out: FtMessage[] = msgs.map((m, i): FtMessage => {
    const content = m.content ?? '';
    switch (m.role) {
      case 'system':
        return { role: 'system', content: redact(content) };
      case 'user':
        return { role: 'user', content: redact(content) };
      case 'tool':
        return { role: 'tool', tool_call_id: m.tool_call_id ?? '', content: redact(trimToolResult(content, budget, cited)) };
      case 'assistant': {
        // The final answer is the one the user got (after a repair round, the repaired one).
        if (i === msgs.length - 1) return { role: 'assistant', content: redact(r.answer || content) };
        if (!m.tool_calls?.length) return { role: 'assistant', content: redact(content) };
        const text = r.toolMode === 'prompt' ? stripCallBlock(content) : content;
        return {
          role: 'assistant',
          content: text.trim() ? redact(text) : null,
          tool_calls: m.tool_calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: redact(c.arguments) } })),
        };
      }
    }
  });
  return { messages: out, tools: o.tools ?? assistantTools(), parallel_tool_calls: true };
}

/** Line numbers cited by the answer (any file): trimming keeps these lines first. */
function citedLines(r: TraceRecord): (n: number) => boolean {
  const ranges = (r.citations ?? []).map((c) => [c.startLine, c.endLine] as const);
  return (n) => ranges.some(([a, b]) => a <= n && n <= b);
}

const NUMBERED = /^\s*(\d+)\| /;

/**
 * Trims a tool result to `budget` characters by whole lines: headers (lines that are not numbered code
 * lines) and cited lines first, then the others in order; elided runs become `…`, and a note at the end
 * says how much was kept.
 */
export function trimToolResult(text: string, budget: number, cited: (line: number) => boolean = () => false): string {
  if (text.length <= budget) return text;
  const lines = text.split('\n');
  const keep = new Array<boolean>(lines.length).fill(false);
  let used = 0;
  const take = (i: number): boolean => {
    if (keep[i]) return true;
    const cost = lines[i].length + 1;
    if (used + cost > budget) return false;
    keep[i] = true;
    used += cost;
    return true;
  };
  const priority = (l: string): boolean => {
    const m = NUMBERED.exec(l);
    return !m || cited(Number(m[1]));
  };
  lines.forEach((l, i) => priority(l) && take(i));
  for (let i = 0; i < lines.length; i++) if (!take(i)) break;
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (keep[i]) out.push(lines[i]);
    else if (out[out.length - 1] !== '…') out.push('…');
  }
  const kept = out.join('\n');
  return `${kept}\n[trimmed for the training set: ${kept.length} of ${text.length} characters kept]`;
}
