import type { Command } from 'commander';
import { addIndexOptions, openForCli, type IndexCliOptions } from '../indexOptions';
import { printJson, printLine } from '../output';
import { indexStatus } from '../../core/index/status';

export function register(program: Command): void {
  addIndexOptions(
    program
      .command('status')
      .description('what the index holds: counts, embedder, size on disk, last update, stale files')
      .argument('<dir>', 'workspace folder')
      .option('--json', 'print as JSON'),
  ).action(async (dir: string, o: IndexCliOptions & { json?: boolean }) => {
    const idx = await openForCli(dir, o, { write: false });
    try {
      const s = await indexStatus(idx);
      if (o.json) return printJson(s);
      printLine(`${s.files} files, ${s.chunks} chunks${s.skipped ? ` (${s.skipped} files skipped: binary, minified or not text)` : ''} · embedder ${s.embedder} · ${(s.bytesOnDisk / 1e6).toFixed(1)} MB on disk`);
      printLine(`last update ${s.lastUpdate ?? 'never'} · ${s.stale.length} stale file(s)${s.stale.length ? ': ' + s.stale.slice(0, 10).map((x) => `${x.path} (${x.state})`).join(', ') : ''}`);
      if (s.readOnly) printLine(`(read-only: ${s.readOnly})`);
      printLine(`index: ${s.dir}`);
    } finally {
      await idx.close();
    }
  });
}
