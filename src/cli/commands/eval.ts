import * as path from 'node:path';
import type { Command } from 'commander';
import { issueTitles, loadEvalSet } from '../../core/search/eval/sets';
import { runEval } from '../../core/search/eval/runner';
import { markdownReport } from '../../core/search/eval/report';
import { parseIntOption, printJson, printLine } from '../output';
import { requireDir } from '../indexOptions';
import { usage } from '../errors';
import { registerEvalAnswers } from './evalAnswers';

export function register(program: Command): void {
  const evalCmd = program.command('eval');
  // `pinpoint eval answers …`: base vs fine-tuned models on the same questions (src/core/finetune).
  registerEvalAnswers(evalCmd);
  evalCmd
    .description('measure retrieval on an eval set (SWE-bench issues, docstring→function pairs or where/how questions) against real repositories')
    .argument('<set>', 'JSON lines: SWE-bench rows (problem_statement, base_commit, gold_files, gold_spans), docstring rows (query, gold_path, …) or question rows (query, commit, gold)')
    .option('--repos <dir>', 'directory holding the repositories as <owner>__<name> git clones (required)')
    .option('--work-dir <dir>', 'working trees and indexes (reused across runs)', 'bench/.work')
    .option('--limit <n>', 'only the first n queries', parseIntOption('--limit', 1))
    .option('--repo <owner/name...>', 'only these repositories')
    .option('--ablation', 'also run lexical only, + vector, + symbols/paths (without the reranker)')
    .option('--workers <n>', 'indexing worker threads', parseIntOption('--workers', 0))
    .option('--titles', 'SWE-bench sets: query each issue by its first line (its title), a short developer-written query')
    .option('--dump <file>', 'write every candidate with features and labels (JSON lines) for bench/fit.ts')
    .option('--verbose', 'per-query progress on stderr')
    .option('--json', 'print the full report as JSON')
    .action(async (set: string, o: { repos?: string; workDir: string; limit?: number; repo?: string[]; ablation?: boolean; workers?: number; dump?: string; titles?: boolean; verbose?: boolean; json?: boolean }) => {
      // (Not a commander requiredOption: that would also be demanded of `pinpoint eval answers`.)
      if (!o.repos) throw usage('--repos <dir> is required');
      requireDir(o.repos);
      const items = o.titles ? issueTitles(loadEvalSet(set)) : loadEvalSet(set);
      if (!items.length) throw usage(`${set}: no rows`);
      const report = await runEval(items, {
        reposDir: path.resolve(o.repos),
        workDir: path.resolve(o.workDir),
        limit: o.limit,
        repos: o.repo,
        ablation: o.ablation,
        workers: o.workers,
        dumpFile: o.dump,
        log: o.verbose ? (l) => process.stderr.write(l + '\n') : undefined,
      });
      if (o.json) return printJson(report);
      printLine(markdownReport(report));
    });
}
