/**
 * Validation of a chat fine-tuning JSONL file before anything is uploaded. Per line: valid JSON, the
 * message roles and order, every assistant tool call answered by exactly one tool message right after
 * it, no orphan tool messages, a final assistant message with content, valid tool schemas, and the
 * token count against the base model's per-example limit. Over the file: the minimum example count and
 * the training tokens (× epochs). Messages are numbered from 1, like lines:
 *   line 7: message 4 (tool) answers tool_call_id "call_9" that no assistant message made
 */
import { promises as fs } from 'node:fs';
import { countExampleTokens, tokenLimitFor, type TokenLimit } from './tokens';
import type { FtExample } from './types';

export interface ValidateOptions {
  /** Base model (for its token limit). */
  model?: string;
  /** Per-example token limit; overrides the table. */
  maxTokens?: number;
  /** Minimum examples. Default 10 (OpenAI's minimum). */
  minExamples?: number;
  /** Epochs for the training-token estimate. Default 3 (what OpenAI's `auto` picks for small sets). */
  epochs?: number;
}

export interface Defect {
  /** 1-based line number; 0 for defects of the whole file. */
  line: number;
  message: string;
}

export interface ValidationReport {
  ok: boolean;
  /** Non-empty lines. */
  examples: number;
  /** Lines without defects. */
  validExamples: number;
  defects: Defect[];
  /** Problems that do not block an upload (e.g. an assumed token limit). */
  warnings: string[];
  tokenLimit: TokenLimit;
  /** Per valid line: line number and tokens. */
  tokens: { line: number; total: number; assistant: number }[];
  totalTokens: number;
  maxExampleTokens: number;
  epochs: number;
  /** totalTokens × epochs: what a job is billed for, roughly. */
  estimatedTrainingTokens: number;
}

export const MIN_EXAMPLES = 10;
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MESSAGE_KEYS: Record<string, string[]> = {
  system: ['role', 'content', 'name'],
  user: ['role', 'content', 'name'],
  assistant: ['role', 'content', 'name', 'tool_calls', 'weight', 'refusal'],
  tool: ['role', 'content', 'tool_call_id'],
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Defects of one parsed line (without the line prefix). */
export function exampleDefects(v: unknown): string[] {
  const out: string[] = [];
  if (!isObj(v)) return ['not a JSON object'];
  for (const k of Object.keys(v)) if (!['messages', 'tools', 'parallel_tool_calls', 'functions'].includes(k)) out.push(`unknown top-level key "${k}"`);
  if (v.parallel_tool_calls !== undefined && typeof v.parallel_tool_calls !== 'boolean') out.push('"parallel_tool_calls" must be true or false');
  const toolNames = toolDefects(v.tools, out);
  if (!Array.isArray(v.messages) || v.messages.length === 0) return [...out, '"messages" must be a non-empty array'];
  messageDefects(v.messages, toolNames, v.parallel_tool_calls === false, out);
  return out;
}

function toolDefects(tools: unknown, out: string[]): Set<string> | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) {
    out.push('"tools" must be an array');
    return undefined;
  }
  const names = new Set<string>();
  tools.forEach((t, i) => {
    const at = `tool ${i + 1}`;
    if (!isObj(t)) return void out.push(`${at} is not an object`);
    if (t.type !== 'function') out.push(`${at}: "type" must be "function", got ${JSON.stringify(t.type)}`);
    const f = t.function;
    if (!isObj(f)) return void out.push(`${at}: "function" must be an object`);
    const name = f.name;
    if (typeof name !== 'string' || !NAME.test(name)) out.push(`${at}: function name ${JSON.stringify(name)} must match ${NAME.source}`);
    else if (names.has(name)) out.push(`${at}: function "${name}" is defined twice`);
    else names.add(name);
    if (f.description !== undefined && typeof f.description !== 'string') out.push(`${at} (${String(name)}): "description" must be a string`);
    const p = f.parameters;
    if (p === undefined) return;
    if (!isObj(p)) return void out.push(`${at} (${String(name)}): "parameters" must be a JSON-schema object`);
    if (p.type !== 'object') out.push(`${at} (${String(name)}): parameters "type" must be "object", got ${JSON.stringify(p.type)}`);
    if (p.properties !== undefined && !isObj(p.properties)) out.push(`${at} (${String(name)}): parameters "properties" must be an object`);
    const props = isObj(p.properties) ? p.properties : {};
    for (const [k, s] of Object.entries(props)) if (!isObj(s)) out.push(`${at} (${String(name)}): property "${k}" must be a schema object`);
    if (p.required !== undefined) {
      if (!Array.isArray(p.required) || p.required.some((r) => typeof r !== 'string')) out.push(`${at} (${String(name)}): parameters "required" must be an array of strings`);
      else for (const r of p.required as string[]) if (!(r in props)) out.push(`${at} (${String(name)}): required "${r}" is not in properties`);
    }
  });
  return names;
}

function messageDefects(messages: unknown[], toolNames: Set<string> | undefined, single: boolean, out: string[]): void {
  const label = (i: number, role: unknown) => `message ${i + 1} (${typeof role === 'string' ? role : '?'})`;
  const made = new Map<string, number>(); // call id → index of the assistant message that made it
  const answered = new Map<string, number>(); // call id → index of the tool message that answered it
  let open: { index: number; ids: string[] } | undefined; // the latest assistant's calls awaiting answers
  let sawUser = false;
  const closeOpen = () => {
    if (!open) return;
    for (const id of open.ids) if (!answered.has(id)) out.push(`${label(open.index, 'assistant')} makes tool call "${id}" that no tool message answers`);
    open = undefined;
  };
  messages.forEach((m, i) => {
    if (!isObj(m)) return void out.push(`message ${i + 1} is not an object`);
    const role = m.role;
    const at = label(i, role);
    if (typeof role !== 'string' || !(role in MESSAGE_KEYS)) return void out.push(`${at}: unknown role ${JSON.stringify(role)}`);
    for (const k of Object.keys(m)) if (!MESSAGE_KEYS[role].includes(k)) out.push(`${at}: unknown key "${k}"`);
    if (role !== 'tool') closeOpen();
    if (role === 'system') {
      if (i !== 0) out.push(`${at}: a system message may only come first`);
      if (typeof m.content !== 'string') out.push(`${at}: "content" must be a string`);
    } else if (role === 'user') {
      sawUser = true;
      if (typeof m.content !== 'string' || !m.content.trim()) out.push(`${at}: "content" must be a non-empty string`);
    } else if (role === 'assistant') {
      if (!sawUser) out.push(`${at}: an assistant message before any user message`);
      if (m.weight !== undefined && m.weight !== 0 && m.weight !== 1) out.push(`${at}: "weight" must be 0 or 1`);
      const calls = m.tool_calls;
      if (m.content !== null && m.content !== undefined && typeof m.content !== 'string') out.push(`${at}: "content" must be a string or null`);
      if (calls === undefined) {
        if (typeof m.content !== 'string' || !m.content.trim()) out.push(`${at}: has neither content nor tool_calls`);
        return;
      }
      if (!Array.isArray(calls) || calls.length === 0) return void out.push(`${at}: "tool_calls" must be a non-empty array`);
      if (single && calls.length > 1) out.push(`${at}: ${calls.length} parallel tool calls but "parallel_tool_calls" is false`);
      const ids: string[] = [];
      calls.forEach((c, j) => {
        const cat = `${at} tool call ${j + 1}`;
        if (!isObj(c)) return void out.push(`${cat} is not an object`);
        if (typeof c.id !== 'string' || !c.id) return void out.push(`${cat}: "id" must be a non-empty string`);
        if (made.has(c.id)) out.push(`${cat}: tool_call_id "${c.id}" was already used by message ${made.get(c.id)! + 1}`);
        made.set(c.id, i);
        ids.push(c.id);
        if (c.type !== 'function') out.push(`${cat} ("${c.id}"): "type" must be "function"`);
        const f = c.function;
        if (!isObj(f) || typeof f.name !== 'string') return void out.push(`${cat} ("${c.id}"): "function.name" must be a string`);
        if (toolNames && !toolNames.has(f.name)) out.push(`${cat} ("${c.id}") calls "${f.name}", which is not in "tools"`);
        if (typeof f.arguments !== 'string') return void out.push(`${cat} ("${c.id}"): "function.arguments" must be a JSON string`);
        try {
          if (!isObj(JSON.parse(f.arguments))) out.push(`${cat} ("${c.id}"): arguments must encode a JSON object`);
        } catch {
          out.push(`${cat} ("${c.id}"): arguments are not valid JSON`);
        }
      });
      open = { index: i, ids };
    } else {
      const id = m.tool_call_id;
      if (typeof m.content !== 'string') out.push(`${at}: "content" must be a string`);
      if (typeof id !== 'string' || !id) return void out.push(`${at}: "tool_call_id" must be a non-empty string`);
      if (answered.has(id)) return void out.push(`${at} answers tool_call_id "${id}" again (message ${answered.get(id)! + 1} already did)`);
      if (!made.has(id)) return void out.push(`${at} answers tool_call_id "${id}" that no assistant message made`);
      if (!open || !open.ids.includes(id)) return void out.push(`${at} answers tool_call_id "${id}" of message ${made.get(id)! + 1}, but it must directly follow that message's calls`);
      answered.set(id, i);
    }
  });
  closeOpen();
  const lastIdx = messages.length - 1;
  const last = messages[lastIdx];
  if (!sawUser) out.push('no user message');
  if (!isObj(last) || last.role !== 'assistant' || last.tool_calls !== undefined || typeof last.content !== 'string' || !last.content.trim()) {
    out.push(`missing final answer: the last message (${label(lastIdx, isObj(last) ? last.role : undefined)}) must be an assistant message with content and no tool calls`);
  }
}

/** Validates JSONL text. */
export function validateJsonl(text: string, o: ValidateOptions = {}): ValidationReport {
  const tokenLimit = tokenLimitFor(o.model, o.maxTokens);
  const epochs = o.epochs ?? 3;
  const minExamples = o.minExamples ?? MIN_EXAMPLES;
  const defects: Defect[] = [];
  const warnings: string[] = [];
  const tokens: ValidationReport['tokens'] = [];
  let examples = 0;
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    examples++;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (e) {
      return void defects.push({ line, message: `line ${line}: not valid JSON (${(e as Error).message})` });
    }
    const found = exampleDefects(v);
    for (const d of found) defects.push({ line, message: `line ${line}: ${d}` });
    if (found.length) return;
    const t = countExampleTokens(v as FtExample);
    if (t.total > tokenLimit.limit) defects.push({ line, message: `line ${line}: ${t.total} tokens, over the ${tokenLimit.limit}-token limit per example${o.model ? ` of ${o.model}` : ''} (trim tool results or split the conversation)` });
    else tokens.push({ line, ...t });
  });
  if (examples < minExamples) defects.push({ line: 0, message: `${examples} example${examples === 1 ? '' : 's'}; at least ${minExamples} are required` });
  if (tokenLimit.source === 'default') warnings.push(`token limit ${tokenLimit.limit} assumed${o.model ? ` (${o.model} is not in the table)` : ' (no base model given)'}; pass --model or --max-tokens`);
  const totalTokens = tokens.reduce((s, t) => s + t.total, 0);
  const invalidLines = new Set(defects.filter((d) => d.line > 0).map((d) => d.line));
  return {
    ok: defects.length === 0,
    examples,
    validExamples: examples - invalidLines.size,
    defects,
    warnings,
    tokenLimit,
    tokens,
    totalTokens,
    maxExampleTokens: tokens.reduce((m, t) => Math.max(m, t.total), 0),
    epochs,
    estimatedTrainingTokens: totalTokens * epochs,
  };
}

export async function validateFile(file: string, o: ValidateOptions = {}): Promise<ValidationReport> {
  return validateJsonl(await fs.readFile(file, 'utf8'), o);
}

/** The report as text: the verdict, the defects (at most `maxDefects`), then the numbers. */
export function formatValidation(r: ValidationReport, file = 'dataset', maxDefects = 50): string {
  const lines = [r.ok ? `${file}: OK — ${r.examples} examples` : `${file}: ${r.defects.length} defect${r.defects.length === 1 ? '' : 's'} in ${r.examples} example${r.examples === 1 ? '' : 's'}`];
  for (const d of r.defects.slice(0, maxDefects)) lines.push(`  ${d.message}`);
  if (r.defects.length > maxDefects) lines.push(`  … and ${r.defects.length - maxDefects} more`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  lines.push(`  tokens: ${r.totalTokens} in ${r.tokens.length} valid example(s), largest ${r.maxExampleTokens} (limit ${r.tokenLimit.limit}, ${r.tokenLimit.source})`);
  lines.push(`  estimated training tokens: ${r.estimatedTrainingTokens} (${r.epochs} epoch${r.epochs === 1 ? '' : 's'})`);
  return lines.join('\n');
}
