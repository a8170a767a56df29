/**
 * The fine-tuning dataset format: OpenAI's chat fine-tuning JSONL with tools, one example per line:
 *
 *   {"messages": [system, user, assistant{tool_calls}, tool, …, assistant], "tools": [...], "parallel_tool_calls": true}
 *
 * The same lines are read by TRL's SFTTrainer (conversational format with `tools`) and Axolotl
 * (`type: chat_template`, `field_messages: messages`, `field_tools: tools`). Pure types.
 */

export interface FtToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type FtMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: FtToolCall[]; weight?: 0 | 1 }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface FtTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

/** One line of the dataset. */
export interface FtExample {
  messages: FtMessage[];
  tools?: FtTool[];
  parallel_tool_calls?: boolean;
}

/** Why a trace was not exported (counted in the export report). */
export type ExclusionReason =
  | 'offline' // an extractive offline answer: no model turn to learn from
  | 'error' // the turn failed
  | 'round-limit' // stopped at the tool-round limit
  | 'rated-down'
  | 'unrated' // and --include-unrated was not given
  | 'no-citations'
  | 'unverified-citation'
  | 'tool-error'
  | 'protocol-error' // a prompt-mode tool call that could not be parsed
  | 'malformed' // the converted example did not pass the validator
  | 'duplicate'; // a near-duplicate of a question already kept

/** Progress of a long operation, for the CLI's status line and VS Code's progress notification. */
export interface FtProgress {
  /** What is happening now, one line. */
  message: string;
  done: number;
  /** Undefined when unknown. */
  total?: number;
}
