import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import { createChunker } from '../../core/parsing/chunker';
import { decodeSource } from '../../core/workspace/content';
import { CliError } from '../errors';
import { parseIntOption, printJson, printLine } from '../output';

export function register(program: Command): void {
  program
    .command('chunks')
    .description('chunk one file into symbol-level chunks')
    .argument('<file>', 'source file')
    .option('--json', 'print the chunks as a JSON array (text included)')
    .option('--max-lines <n>', 'split definitions longer than this', parseIntOption('--max-lines', 5))
    .option('--target-lines <n>', 'merge small statements / fallback windows up to this', parseIntOption('--target-lines', 5))
    .action(async (file: string, opts: { json?: boolean; maxLines?: number; targetLines?: number }) => {
      const abs = path.resolve(file);
      const bytes = await fs.readFile(abs).catch((e: NodeJS.ErrnoException) => {
        throw new CliError(`cannot read ${file}: ${e.code ?? e.message}`);
      });
      // Paths in chunks are relative to the current directory when the file lies below it.
      const rel = path.relative(process.cwd(), abs);
      const relPath = (rel.startsWith('..') || path.isAbsolute(rel) ? path.basename(abs) : rel).split(path.sep).join('/');
      const decoded = decodeSource(relPath, bytes);
      if (!decoded.ok) throw new CliError(`${file}: ${decoded.reason}: ${decoded.detail}`);
      const chunker = createChunker();
      const chunks = await chunker.chunk(relPath, decoded.text, { maxLines: opts.maxLines, targetLines: opts.targetLines });
      if (opts.json) return printJson(chunks);
      for (const c of chunks) {
        printLine(`${c.path}:${c.startLine}-${c.endLine}  ${c.kind.padEnd(9)} ${c.qualifiedName}${c.part ? ` (part ${c.part.index}/${c.part.count})` : ''}`);
      }
      printLine(`${chunks.length} chunks (${chunker.languageOf(relPath)})`);
    });
}
