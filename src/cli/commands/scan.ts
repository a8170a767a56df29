import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { FsHost } from '../../core/fsHost';
import { createChunker } from '../../core/parsing/chunker';
import { scanWorkspace } from '../../core/scan';
import { CliError } from '../errors';
import { formatMs, parseIntOption, printJson, printLine } from '../output';

export function register(program: Command): void {
  program
    .command('scan')
    .description('walk a folder, chunk every indexable file, and report what was found and what was skipped')
    .argument('<dir>', 'workspace folder')
    .option('--json', 'print {files, chunks, skipped, byLanguage, ms} as JSON')
    .option('--max-file-size <bytes>', 'skip files larger than this (default 1000000)', parseIntOption('--max-file-size', 1))
    .option('--exclude <glob...>', 'extra gitignore-style exclude patterns')
    .action(async (dir: string, opts: { json?: boolean; maxFileSize?: number; exclude?: string[] }) => {
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`not a directory: ${dir}`);
      const result = await scanWorkspace(new FsHost(dir), createChunker(), { maxFileBytes: opts.maxFileSize, excludeGlobs: opts.exclude });
      if (opts.json) return printJson(result);
      printLine(`${result.files} files, ${result.chunks} chunks in ${formatMs(result.ms)}`);
      const langs = Object.entries(result.byLanguage).sort((a, b) => b[1].chunks - a[1].chunks);
      for (const [lang, v] of langs) printLine(`  ${lang.padEnd(11)} ${String(v.files).padStart(6)} files ${String(v.chunks).padStart(8)} chunks`);
      const reasons = new Map<string, number>();
      for (const s of result.skipped) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
      if (result.skipped.length) {
        printLine(`skipped ${result.skipped.length}: ${[...reasons].map(([r, n]) => `${r} ${n}`).join(', ')} (--json lists each with its reason)`);
      }
    });
}
