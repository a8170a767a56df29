import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Bump when the on-disk format changes incompatibly: an index with another version is rebuilt, not misread. */
export const INDEX_FORMAT_VERSION = 1;

/**
 * The CLI's default index directory for a workspace folder: `$XDG_CACHE_HOME/pinpoint/<name>-<hash>`
 * (falling back to ~/.cache), keyed by the folder's absolute path. The extension passes its storage URI instead.
 */
export function defaultIndexDir(workspaceRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const abs = path.resolve(workspaceRoot);
  const cache = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  const key = createHash('sha256').update(abs).digest('hex').slice(0, 12);
  const name = path.basename(abs).replace(/[^A-Za-z0-9._-]/g, '_') || 'root';
  return path.join(cache, 'pinpoint', `${name}-${key}`);
}

/** Entries of an index directory that are not index data: never removed by a format rebuild. */
export const KEEP_ON_REBUILD = new Set(['lock', 'traces', 'assistant-model.json']);

interface Stamp {
  format: number;
  workspace: string;
  created: string;
}

/**
 * Ensures `dir` holds an index of the current format for `workspaceRoot`. An index of another format
 * version (or an unreadable stamp) is wiped so it is rebuilt; the returned message says why.
 */
export async function ensureIndexDir(dir: string, workspaceRoot: string): Promise<{ rebuilt: boolean; message?: string }> {
  await fs.mkdir(dir, { recursive: true });
  const stampPath = path.join(dir, 'VERSION.json');
  let stamp: Stamp | undefined;
  let problem: string | undefined;
  try {
    stamp = JSON.parse(await fs.readFile(stampPath, 'utf8')) as Stamp;
    if (stamp.format !== INDEX_FORMAT_VERSION) problem = `index format ${stamp.format} is not the current ${INDEX_FORMAT_VERSION}`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') problem = `index version stamp is unreadable (${code ?? (e as Error).message})`;
  }
  if (stamp && !problem) return { rebuilt: false };
  const entries = await fs.readdir(dir);
  for (const name of entries) {
    // The index is derived data and is rebuilt; the user's own data in the same directory is kept.
    if (KEEP_ON_REBUILD.has(name)) continue;
    await fs.rm(path.join(dir, name), { recursive: true, force: true });
  }
  const fresh: Stamp = { format: INDEX_FORMAT_VERSION, workspace: path.resolve(workspaceRoot), created: new Date().toISOString() };
  await fs.writeFile(stampPath, JSON.stringify(fresh, null, 2));
  return problem ? { rebuilt: true, message: `${problem}; rebuilding the index` } : { rebuilt: false };
}
