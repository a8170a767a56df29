import * as path from 'node:path';
import type { Command } from 'commander';
import { answerOffline, runTurn, TraceStore, workspaceFromIndex, type Citation, type TurnResult } from '../../core/assistant';
import { activeModel, JsonSettingsStore, MODEL_SETTINGS_FILE, TRACES_DIR_NAME } from '../../core/finetune';
import { addIndexOptions, openForCli, type IndexCliOptions } from '../indexOptions';
import { formatMs, parseIntOption, printJson, printLine } from '../output';
import { CliError, usage } from '../errors';

interface AskOptions extends IndexCliOptions {
  workspace: string;
  model?: string;
  baseUrl?: string;
  json?: boolean;
  maxRounds?: number;
  toolMode?: 'native' | 'prompt';
  trace: boolean;
}

const MARK: Record<Citation['status'], string> = { verified: '✓', 'out-of-range': '✗ out of range', 'not-seen': '? not seen', 'missing-file': '✗ missing file' };

export function register(program: Command): void {
  addIndexOptions(
    program
      .command('ask')
      .description('ask a question about a workspace; answers cite path:line ranges, each verified against the files (offline unless --model is given)')
      .argument('<question>', 'the question')
      .requiredOption('--workspace <dir>', 'workspace folder')
      .option('--model <id>', 'chat model id (e.g. gpt-4.1-mini, a fine-tuned ft:… id, or a local model); default: the model switched in by `finetune switch`, else env PINPOINT_MODEL')
      .option('--base-url <url>', 'OpenAI-compatible base URL (env PINPOINT_BASE_URL / OPENAI_BASE_URL; default https://api.openai.com/v1)')
      .option('--max-rounds <n>', 'maximum tool rounds (default 6)', parseIntOption('--max-rounds', 0))
      .option('--tool-mode <mode>', "'native' tool calls, or 'prompt' for servers without them")
      .option('--no-trace', 'do not record this turn in the trace store')
      .option('--json', 'print {answer, citations, groundedness, toolCalls, rounds, ms, …} as JSON'),
  ).action(async (question: string, o: AskOptions) => {
    if (!question.trim()) throw usage('the question is empty');
    if (o.toolMode && o.toolMode !== 'native' && o.toolMode !== 'prompt') throw usage("--tool-mode must be 'native' or 'prompt'");
    const idx = await openForCli(o.workspace, o, { write: false });
    try {
      // --model, else a model switched in by `pinpoint finetune switch`, else PINPOINT_MODEL; none → offline.
      const model = o.model ?? (await activeModel(new JsonSettingsStore(path.join(idx.baseDir, MODEL_SETTINGS_FILE)), process.env.PINPOINT_MODEL));
      if (!idx.readOnly) await idx.indexer.indexAll();
      const workspace = workspaceFromIndex(idx);
      const trace = o.trace ? new TraceStore(path.join(idx.baseDir, TRACES_DIR_NAME)) : undefined;
      const settings = o.maxRounds !== undefined ? { maxToolRounds: o.maxRounds } : undefined;
      let result: TurnResult;
      if (!model) {
        result = await answerOffline({ question, workspace, trace });
        if (!o.json) printLine(result.answer);
      } else {
        const baseURL = o.baseUrl ?? process.env.PINPOINT_BASE_URL ?? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
        const apiKey = process.env.PINPOINT_API_KEY ?? process.env.OPENAI_API_KEY;
        const ac = new AbortController();
        const onSigint = () => ac.abort();
        process.once('SIGINT', onSigint);
        try {
          result = await runTurn({
            question,
            workspace,
            model: { baseURL, model, apiKey, toolMode: o.toolMode },
            settings,
            trace,
            signal: ac.signal,
            callbacks: o.json
              ? undefined
              : {
                  onText: (d) => process.stdout.write(d),
                  onToolCallStart: (c) => process.stderr.isTTY && process.stderr.write(`\n  ↳ ${c.name}(${JSON.stringify(c.arguments ?? {}).slice(0, 80)})\n`),
                  onAnswerReset: (a) => process.stdout.write(`\n\n(citations repaired)\n${a}`),
                },
          });
        } catch (e) {
          throw new CliError((e as Error).message);
        } finally {
          process.off('SIGINT', onSigint);
        }
        if (!o.json) printLine();
      }
      if (o.json) {
        return printJson({
          answer: result.answer,
          citations: result.citations.map((c) => ({ path: c.path, startLine: c.startLine, endLine: c.endLine, status: c.status })),
          groundedness: result.groundedness,
          toolCalls: result.toolCalls,
          rounds: result.rounds,
          ms: result.ms,
          model: result.model,
          usage: result.usage,
          redactions: result.redactions,
          id: result.id,
        });
      }
      printLine();
      for (const c of result.citations) printLine(`  ${MARK[c.status]}  ${c.path}:${c.startLine}${c.endLine !== c.startLine ? `-${c.endLine}` : ''}`);
      const verified = result.citations.filter((c) => c.status === 'verified').length;
      printLine(`${verified}/${result.citations.length} citations verified · ${result.model} · ${result.rounds} round(s) · ${formatMs(result.ms)}${result.redactions ? ` · ${result.redactions} secret(s) redacted` : ''}`);
    } finally {
      await idx.close();
    }
  });
}
