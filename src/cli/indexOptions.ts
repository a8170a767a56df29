import { existsSync, statSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { EmbedderConfig } from '../core/embed/factory';
import { openWorkspaceIndex, type WorkspaceIndex } from '../core/index/workspaceIndex';
import { CliError, usage } from './errors';
import { parseIntOption } from './output';

export interface IndexCliOptions {
  indexDir?: string;
  embedder: 'builtin' | 'openai';
  embedBaseUrl?: string;
  embedModel?: string;
  workers?: number;
  exclude?: string[];
  maxFileSize?: number;
  verbose?: boolean;
}

/** Options every index-using command accepts. */
export function addIndexOptions(cmd: Command): Command {
  return cmd
    .option('--index-dir <dir>', 'index directory (default: ~/.cache/pinpoint/<folder>-<hash>, or $XDG_CACHE_HOME)')
    .addOption(new Option('--embedder <id>', 'embedding provider').choices(['builtin', 'openai']).default('builtin'))
    .option('--embed-base-url <url>', 'OpenAI-compatible embeddings base URL (env PINPOINT_EMBED_BASE_URL)')
    .option('--embed-model <model>', 'embedding model id (env PINPOINT_EMBED_MODEL)')
    .option('--workers <n>', 'worker threads for chunking/embedding (0 = in-process)', parseIntOption('--workers', 0))
    .option('--exclude <glob...>', 'extra gitignore-style exclude patterns')
    .option('--max-file-size <bytes>', 'skip files larger than this (default 1000000)', parseIntOption('--max-file-size', 1))
    .option('--verbose', 'log index messages to stderr');
}

export function embedderConfig(o: IndexCliOptions): EmbedderConfig {
  if (o.embedder === 'builtin') return { id: 'builtin' };
  const baseURL = o.embedBaseUrl ?? process.env.PINPOINT_EMBED_BASE_URL ?? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
  const model = o.embedModel ?? process.env.PINPOINT_EMBED_MODEL ?? 'text-embedding-3-small';
  const apiKey = process.env.PINPOINT_API_KEY ?? process.env.OPENAI_API_KEY;
  return { id: 'openai', baseURL, model, apiKey };
}

export function requireDir(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw usage(`not a directory: ${dir}`);
}

/** Opens the workspace index for a CLI command; `write` commands wait briefly for another process's lock. */
export async function openForCli(dir: string, o: IndexCliOptions, mode: { write: boolean; rebuild?: boolean }): Promise<WorkspaceIndex> {
  requireDir(dir);
  try {
    return await openWorkspaceIndex({
      root: dir,
      indexDir: o.indexDir,
      embedder: embedderConfig(o),
      walk: { excludeGlobs: o.exclude, maxFileBytes: o.maxFileSize },
      workers: o.workers,
      owner: `pinpoint CLI (${process.argv.slice(2, 3).join(' ')})`,
      lockWaitMs: mode.write ? 30_000 : 0,
      allowReadOnly: !mode.write,
      rebuild: mode.rebuild,
      log: (level, message) => {
        if (level !== 'info' || o.verbose) process.stderr.write(`pinpoint: ${message}\n`);
      },
    });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}
