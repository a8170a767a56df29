import type { Command } from 'commander';
import { workspaceFromIndex } from '../../core/assistant/workspace';
import { evalAnswers, formatEvalAnswers, loadQuestions } from '../../core/finetune/evalAnswers';
import { CliError, usage } from '../errors';
import { addIndexOptions, openForCli, type IndexCliOptions } from '../indexOptions';
import { endProgress, parseIntOption, printJson, printLine, progress } from '../output';
import { apiFromEnv } from './finetune';

interface EvalAnswersCliOptions extends IndexCliOptions {
  model: string[];
  questions: string;
  workspace: string;
  baseUrl?: string;
  limit?: number;
  maxRounds?: number;
  toolMode?: string;
  json?: boolean;
}

/**
 * Adds `answers` under `parent` (wired as `pinpoint eval answers`): the same questions through the normal
 * agent loop with each `--model`, metrics side by side.
 */
export function registerEvalAnswers(parent: Command): Command {
  return addIndexOptions(
    parent
      .command('answers')
      .description('compare models (e.g. base vs fine-tuned) on held-aside questions through the normal agent loop: citation validity, groundedness, tool-call success, rounds, tokens, latency p50/p95')
      .requiredOption('--model <id>', 'a model to compare (repeat: --model A --model B)', (v: string, prev: string[] = []) => [...prev, v])
      .requiredOption('--questions <file.jsonl>', 'questions: {"question": …} lines, or a fine-tuning split (e.g. the train.val.jsonl written by finetune export)')
      .requiredOption('--workspace <dir>', 'workspace folder the questions are about')
      .option('--base-url <url>', 'OpenAI-compatible base URL for all models (env PINPOINT_BASE_URL / OPENAI_BASE_URL; default OpenAI)')
      .option('--limit <n>', 'only the first n questions', parseIntOption('--limit', 1))
      .option('--max-rounds <n>', 'maximum tool rounds per question (default 6)', parseIntOption('--max-rounds', 0))
      .option('--tool-mode <mode>', "'native' tool calls, or 'prompt' for servers without them")
      .option('--json', 'print the full report (per model and per question) as JSON'),
  ).action(async (o: EvalAnswersCliOptions) => {
    if (o.toolMode && o.toolMode !== 'native' && o.toolMode !== 'prompt') throw usage("--tool-mode must be 'native' or 'prompt'");
    let questions: string[];
    try {
      questions = await loadQuestions(o.questions, o.limit);
    } catch (e) {
      throw new CliError((e as NodeJS.ErrnoException).code ? `cannot read ${o.questions}: ${(e as NodeJS.ErrnoException).code}` : (e as Error).message);
    }
    if (!questions.length) throw usage(`${o.questions}: no questions`);
    const idx = await openForCli(o.workspace, o, { write: false });
    try {
      if (!idx.readOnly) await idx.indexer.indexAll();
      const api = apiFromEnv(o.baseUrl);
      const ctl = new AbortController();
      const onInt = () => ctl.abort();
      process.once('SIGINT', onInt);
      const report = await evalAnswers({
        questions,
        models: o.model.map((model) => ({ ...api, model, toolMode: o.toolMode as 'native' | 'prompt' | undefined })),
        workspace: workspaceFromIndex(idx),
        settings: o.maxRounds !== undefined ? { maxToolRounds: o.maxRounds } : undefined,
        signal: ctl.signal,
        onProgress: (p) => progress(`[${p.done}/${p.total}] ${p.message}`),
      }).catch((e: Error) => {
        throw new CliError(e.message);
      }).finally(() => {
        process.removeListener('SIGINT', onInt);
        endProgress();
      });
      if (o.json) return printJson(report);
      printLine(formatEvalAnswers(report));
    } finally {
      await idx.close();
    }
  });
}
