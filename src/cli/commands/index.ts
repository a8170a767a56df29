import type { Command } from 'commander';
import { addIndexOptions, openForCli, type IndexCliOptions } from '../indexOptions';
import { endProgress, formatMs, printJson, printLine, progress } from '../output';

export function register(program: Command): void {
  addIndexOptions(
    program
      .command('index')
      .description('build or update the index of a folder (incremental: only changed files are re-read)')
      .argument('<dir>', 'workspace folder')
      .option('--rebuild', 'drop the index and build it from scratch')
      .option('--json', 'print {files, chunks, added, updated, removed, skipped, ms} as JSON'),
  ).action(async (dir: string, o: IndexCliOptions & { rebuild?: boolean; json?: boolean }) => {
    const idx = await openForCli(dir, o, { write: true, rebuild: o.rebuild });
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    try {
      idx.indexer.onProgress((p) => {
        if (p.phase === 'index' && (p.done % 50 === 0 || p.done === p.total)) progress(`indexing ${p.done}/${p.total} ${p.path ?? ''}`);
      });
      const r = await idx.indexer.indexAll(ac.signal);
      endProgress();
      const out = { files: r.files, chunks: r.chunks, added: r.added, updated: r.updated, removed: r.removed, unchanged: r.unchanged, skipped: r.skipped, ms: r.ms };
      if (o.json) printJson(out);
      else {
        printLine(`${r.files} files, ${r.chunks} chunks — added ${r.added}, updated ${r.updated}, removed ${r.removed}, unchanged ${r.unchanged}, skipped ${r.skipped.length} — ${formatMs(r.ms)}`);
        printLine(`index: ${idx.dir}`);
      }
    } finally {
      process.off('SIGINT', onSigint);
      await idx.close();
    }
  });
}
