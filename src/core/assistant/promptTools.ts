/**
 * Tool calling for endpoints without native `tools`: the tools are described in the system prompt and the
 * model asks for calls with exactly one fenced block
 *
 *   ```json
 *   {"tool_calls": [{"name": "read_file", "arguments": {"path": "src/a.ts", "startLine": 1, "endLine": 40}}]}
 *   ```
 *
 * parsed strictly: a `json` fence whose object has the single key `tool_calls`, a non-empty array of
 * `{name, arguments}` objects (no other keys, `arguments` an object). Anything else that tries is answered
 * with a protocol error the model can read; a reply without such a block is the final answer.
 */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ParsedCall {
  name: string;
  /** JSON text of the arguments object. */
  arguments: string;
}

export type PromptParse =
  | { kind: 'none' } // a final answer
  | { kind: 'calls'; calls: ParsedCall[]; before: string }
  | { kind: 'error'; error: string };

const FENCE = /```([^\n`]*)\n([\s\S]*?)```/g;

/** The system-prompt section describing the tools and the exact call format. */
export function describeTools(tools: ToolSpec[]): string {
  const lines = [
    '## Tools',
    'You can call these read-only tools. To call tools, reply with exactly one fenced block and nothing after it:',
    '```json',
    '{"tool_calls": [{"name": "<tool name>", "arguments": {<arguments object>}}]}',
    '```',
    'Several calls may go in the one array; they run in parallel. Results come back in the next message.',
    'Every argument listed is required; pass null for one you do not need. When you have the answer, reply without a tool block.',
    '',
  ];
  for (const t of tools) {
    lines.push(`### ${t.name}`, t.description, 'Arguments (JSON schema): ' + JSON.stringify(t.parameters), '');
  }
  return lines.join('\n');
}

/** Finds and strictly parses a tool-call block in a complete reply. */
export function parsePromptToolCalls(text: string): PromptParse {
  const blocks: { info: string; body: string; index: number }[] = [];
  for (const m of text.matchAll(FENCE)) blocks.push({ info: m[1].trim().toLowerCase(), body: m[2], index: m.index ?? 0 });
  const attempts = blocks.filter((b) => /"tool_calls"/.test(b.body) || b.info === 'tool_calls');
  if (attempts.length === 0) {
    // An unterminated fence that starts a tool call is an attempt too.
    const open = text.lastIndexOf('```json');
    if (open >= 0 && /"tool_calls"/.test(text.slice(open)) && !blocks.some((b) => b.index === open)) {
      return { kind: 'error', error: 'tool call block is not closed with ```' };
    }
    return { kind: 'none' };
  }
  if (attempts.length > 1) return { kind: 'error', error: 'put all tool calls in ONE ```json block (one "tool_calls" array)' };
  const block = attempts[0];
  if (block.info !== 'json') return { kind: 'error', error: 'the tool call block must be fenced as ```json' };
  let value: unknown;
  try {
    value = JSON.parse(block.body);
  } catch (e) {
    return { kind: 'error', error: `tool call block is not valid JSON: ${(e as Error).message}` };
  }
  if (!isPlainObject(value)) return { kind: 'error', error: 'tool call block must be a JSON object {"tool_calls": [...]}' };
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'tool_calls') return { kind: 'error', error: `tool call object must have exactly one key "tool_calls" (got ${keys.map((k) => JSON.stringify(k)).join(', ') || 'none'})` };
  const list = value.tool_calls;
  if (!Array.isArray(list) || list.length === 0) return { kind: 'error', error: '"tool_calls" must be a non-empty array' };
  const calls: ParsedCall[] = [];
  for (let i = 0; i < list.length; i++) {
    const c: unknown = list[i];
    if (!isPlainObject(c)) return { kind: 'error', error: `tool_calls[${i}] must be an object {"name", "arguments"}` };
    const extra = Object.keys(c).filter((k) => k !== 'name' && k !== 'arguments');
    if (extra.length) return { kind: 'error', error: `tool_calls[${i}] has unexpected key(s) ${extra.map((k) => JSON.stringify(k)).join(', ')}` };
    if (typeof c.name !== 'string' || !c.name) return { kind: 'error', error: `tool_calls[${i}].name must be a non-empty string` };
    if (!isPlainObject(c.arguments)) return { kind: 'error', error: `tool_calls[${i}].arguments must be a JSON object` };
    calls.push({ name: c.name, arguments: JSON.stringify(c.arguments) });
  }
  return { kind: 'calls', calls, before: text.slice(0, block.index).trim() };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Streams text to a callback but holds back anything from a ```json fence on (a likely tool-call block),
 * so the user does not watch tool-call JSON scroll by. `end(isCall)` flushes what was held when the reply
 * turned out to be an answer after all.
 */
export class FenceHoldback {
  private text = '';
  private emitted = 0;
  private held = false;

  constructor(private readonly emit: (delta: string) => void) {}

  push(delta: string): void {
    this.text += delta;
    if (this.held) return;
    const at = this.text.indexOf('```json', Math.max(0, this.emitted - 7));
    if (at >= 0) {
      this.flushTo(at);
      this.held = true;
      return;
    }
    // Keep back a tail that could be the start of the fence.
    this.flushTo(Math.max(this.emitted, this.text.length - 7));
  }

  end(isCall: boolean): void {
    if (!isCall) this.flushTo(this.text.length);
  }

  private flushTo(i: number): void {
    if (i > this.emitted) {
      this.emit(this.text.slice(this.emitted, i));
      this.emitted = i;
    }
  }
}
