/** Trace records for the fine-tuning tests: a good native-mode turn and its defective variants. */
import { SYSTEM_PROMPT } from '../../../src/core/assistant/prompts';
import { TraceStore } from '../../../src/core/assistant/trace';
import type { Citation, TraceRecord } from '../../../src/core/assistant/types';
import { tempDir } from '../../helpers/workspace';

export const FAKE_KEY = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123456789';

const READ_RESULT = [
  'src/config.ts (lines 1-9 of 21):',
  '1| /** Loads configuration from disk. */',
  '2| export function parseConfig(text: string): Record<string, string> {',
  '3|   const out: Record<string, string> = {};',
  "4|   for (const line of text.split('\\n')) {",
  "5|     const [k, v] = line.split('=');",
  '6|     if (k && v) out[k.trim()] = v.trim();',
  '7|   }',
  '8|   return out;',
  '9| }',
].join('\n');

let clock = Date.parse('2025-01-01T00:00:00Z');

export interface TurnSpec {
  question: string;
  rating?: 'up' | 'down' | null;
  /** Status of the answer's citation. Default 'verified'. */
  citation?: Citation['status'] | 'none';
  toolError?: boolean;
  roundLimit?: boolean;
  error?: boolean;
  /** Appended to the tool result (e.g. a secret). */
  toolExtra?: string;
  /** Extra text in the answer. */
  answerExtra?: string;
  repaired?: boolean;
}

/** One turn: system, user (context + question), assistant → read_file, tool result, final answer. */
export function turn(id: string, s: TurnSpec): TraceRecord {
  const answer = `\`parseConfig\` splits each line at \`=\` [src/config.ts:2-9].${s.answerExtra ?? ''}`;
  const toolResult = s.toolError ? 'ERROR: read_file: startLine 90 is out of range: src/config.ts has 21 lines' : READ_RESULT + (s.toolExtra ?? '');
  const citations: Citation[] = s.citation === 'none' ? [] : [{ path: 'src/config.ts', startLine: 2, endLine: 9, status: s.citation ?? 'verified', raw: '[src/config.ts:2-9]', offset: 40 }];
  const messages: TraceRecord['messages'] = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: `No code was retrieved for this question; use the tools to find the relevant code.\n\nQuestion: ${s.question}` },
    { role: 'assistant', content: null, tool_calls: [{ id: `${id}-c1`, name: 'read_file', arguments: JSON.stringify({ path: 'src/config.ts', startLine: 1, endLine: 9 }) }] },
    { role: 'tool', tool_call_id: `${id}-c1`, content: toolResult },
  ];
  if (s.roundLimit) {
    messages.push({ role: 'user', content: 'You have used all 6 tool rounds.' }, { role: 'assistant', content: null, tool_calls: [{ id: `${id}-c2`, name: 'find_symbol', arguments: '{"name":"x"}' }] });
  } else if (s.repaired) {
    messages.push(
      { role: 'assistant', content: 'It splits lines [src/config.ts:40-44].' },
      { role: 'user', content: 'Some citations in your answer failed verification:\n- [src/config.ts:40-44]: out-of-range — …\nRewrite the whole answer.' },
      { role: 'assistant', content: answer },
    );
  } else if (!s.error) {
    messages.push({ role: 'assistant', content: answer });
  }
  clock += 60_000;
  return {
    type: 'turn', v: 1, id, timestamp: new Date(clock).toISOString(), question: s.question, model: 'gpt-4.1-mini', baseURL: 'https://api.openai.com/v1', toolMode: 'native',
    retrieval: [], messages,
    toolCalls: [{ id: `${id}-c1`, round: 1, name: 'read_file', arguments: '{}', ok: !s.toolError, ms: 3, result: toolResult, ...(s.toolError ? { error: toolResult } : {}) }],
    answer: s.roundLimit ? 'Stopped after 6 tool rounds without a final answer.' : s.error ? '' : answer,
    citations: s.roundLimit || s.error ? [] : citations,
    groundedness: 1, rounds: 1, ...(s.roundLimit ? { stopped: 'round-limit' as const } : {}), repaired: !!s.repaired, latencyMs: 900,
    usage: { promptTokens: 500, completionTokens: 60, totalTokens: 560, requests: 2 }, redactions: 0, rating: s.rating ?? null,
    ...(s.error ? { error: { code: 'server', message: 'model server failed with 500' } } : {}),
  };
}

export const GOOD_QUESTIONS = [
  'How does parseConfig split each line?',
  'Where are configuration values trimmed?',
  'What does the config parser return for an empty file?',
  'Which function reads key value pairs from text?',
  'Why are lines without an equals sign ignored?',
  'How would I add comment support to the config format?',
  'What type does parseConfig produce?',
  'Is whitespace around keys removed when parsing?',
  'Explain the loop inside the configuration loader',
  'What happens with duplicate keys in the config text?',
  'Can values contain an equals character?',
  'Where is the doc comment of the config loader?',
];

/** A store holding: 12 good 👍 turns, and one of each defect; returns the store and the ids by kind. */
export async function mixedStore(): Promise<{ store: TraceStore; ids: Record<string, string[]> }> {
  const store = new TraceStore(tempDir('ft-traces'));
  const ids: Record<string, string[]> = { good: [], unrated: [] };
  const add = async (kind: string, r: TraceRecord) => {
    await store.append({ ...r, rating: null });
    if (r.rating) await store.rateTurn(r.id, r.rating);
    (ids[kind] ??= []).push(r.id);
  };
  for (const [i, q] of GOOD_QUESTIONS.entries()) await add('good', turn(`good-${i}`, { question: q, rating: 'up' }));
  await add('bad', turn('bad', { question: 'Does the store cache values between calls?', rating: 'up', citation: 'not-seen' }));
  await add('unrated', turn('unrated', { question: 'How does ConfigStore.get look values up?', rating: null }));
  await add('uncited', turn('uncited', { question: 'Summarise the HTTP client module please', rating: 'up', citation: 'none' }));
  await add('toolError', turn('tool-error', { question: 'What is on line ninety of the config?', rating: 'up', toolError: true }));
  await add('roundLimit', turn('round-limit', { question: 'List every caller of fetchWithTimeout', rating: 'up', roundLimit: true }));
  await add('error', turn('error', { question: 'How are retries counted in sendRequest?', rating: 'up', error: true }));
  await add('down', turn('down', { question: 'What does render_report do with rows?', rating: 'down' }));
  // A near-duplicate of good-0 (case, punctuation, code quotes): unrated, so the 👍 one is kept.
  await add('dupUnrated', turn('dup', { question: 'how does `parseConfig` split each line', rating: null }));
  return { store, ids };
}
