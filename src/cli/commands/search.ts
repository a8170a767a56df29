import type { Command } from 'commander';
import { hybridSearch } from '../../core/search/hybrid';
import { addIndexOptions, openForCli, type IndexCliOptions } from '../indexOptions';
import { parseIntOption, printJson, printLine } from '../output';
import { usage } from '../errors';

export function register(program: Command): void {
  addIndexOptions(
    program
      .command('search')
      .description('search the index of a workspace')
      .argument('<query>', 'words, a symbol name, a stack trace or an issue text')
      .requiredOption('--workspace <dir>', 'workspace folder')
      .option('-k <n>', 'number of results', parseIntOption('-k', 1), 10)
      .option('--json', 'print [{path, startLine, endLine, kind, qualifiedName, score}] as JSON'),
  ).action(async (query: string, o: IndexCliOptions & { workspace: string; k: number; json?: boolean }) => {
    if (!query.trim()) throw usage('the query is empty');
    const idx = await openForCli(o.workspace, o, { write: false });
    try {
      if (!idx.readOnly) await idx.indexer.indexAll();
      const { store, lexical } = idx.indexer;
      const hits = await hybridSearch({ store, lexical, embedder: idx.embedder }, query, o.k);
      const rows = hits.map((h) => ({
        path: h.chunk.path,
        startLine: h.chunk.startLine,
        endLine: h.chunk.endLine,
        kind: h.chunk.kind,
        qualifiedName: h.chunk.qualifiedName,
        score: Number(h.score.toFixed(5)),
      }));
      if (o.json) return printJson(rows);
      for (const r of rows) printLine(`${r.path}:${r.startLine}-${r.endLine}  ${r.kind} ${r.qualifiedName}  (${r.score})`);
      if (!rows.length) printLine('no results');
    } finally {
      await idx.close();
    }
  });
}
