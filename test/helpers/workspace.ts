import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openWorkspaceIndex, type WorkspaceIndex } from '../../src/core/index/workspaceIndex';

const created: string[] = [];

/**
 * A new directory under the OS temp dir, removed when the test process exits (node --test runs each
 * file in its own process), so a test run leaves nothing behind in /tmp.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `pp-${prefix}-`));
  if (created.length === 0) process.once('exit', removeCreated);
  created.push(dir);
  return dir;
}

function removeCreated(): void {
  for (const dir of created.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // best effort: a file still held open on some platforms
    }
  }
}

/** Writes `files` (relative path → content) under a new temp directory and returns it. */
export function makeWorkspace(files: Record<string, string>, dir = tempDir('ws')): string {
  for (const [rel, content] of Object.entries(files)) writeFile(dir, rel, content);
  return dir;
}

/**
 * `root` indexed from scratch into a new temp index dir, on this thread (no workers), as most tests need it;
 * the caller closes it.
 */
export async function indexedWorkspace(root: string, prefix = 'idx'): Promise<WorkspaceIndex> {
  const idx = await openWorkspaceIndex({ root, indexDir: tempDir(prefix), owner: 'test', workers: 0 });
  await idx.indexer.indexAll();
  return idx;
}

export function writeFile(root: string, rel: string, content: string): void {
  const abs = path.join(root, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, content);
}

/** A small realistic multi-language workspace. */
export const SAMPLE_FILES: Record<string, string> = {
  'src/config.ts': `/** Loads configuration from disk. */
export function parseConfig(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\\n')) {
    const [k, v] = line.split('=');
    if (k && v) out[k.trim()] = v.trim();
  }
  return out;
}

export class ConfigStore {
  private values = new Map<string, string>();
  /** Reads one value. */
  get(key: string): string | undefined {
    return this.values.get(key);
  }
  set(key: string, value: string): void {
    this.values.set(key, value);
  }
}
`,
  'src/http/client.ts': `export interface RequestOptions { timeoutMs: number; retries: number }

/** Sends an HTTP request with a timeout and retries. */
export async function sendRequest(url: string, opts: RequestOptions): Promise<string> {
  for (let i = 0; i <= opts.retries; i++) {
    try {
      return await fetchWithTimeout(url, opts.timeoutMs);
    } catch {
      continue;
    }
  }
  throw new Error('request failed');
}

async function fetchWithTimeout(url: string, ms: number): Promise<string> {
  return url + ms;
}
`,
  'tools/report.py': `"""Report generation."""

def render_report(rows):
    """Render rows as a text table."""
    return "\\n".join(str(r) for r in rows)


class Reporter:
    def __init__(self, title):
        self.title = title

    def publish(self, rows):
        return self.title + render_report(rows)
`,
  'README.md': '# Sample\n\nA sample workspace for tests.\n\n## Usage\n\nRun it.\n',
};

/** What an index holds, in a comparable form: per file its content hash and chunks (id, lines, vector digest). */
export function indexSnapshot(idx: WorkspaceIndex): unknown {
  const { store } = idx.indexer;
  const files = [...store.files()].sort((a, b) => (a.path < b.path ? -1 : 1));
  return files.map((f) => ({
    path: f.path,
    hash: f.hash,
    size: f.size,
    chunks: f.chunkIds.map((id) => {
      const c = store.getChunk(id)!;
      const v = store.getVector(id)!;
      return { id, start: c.startLine, end: c.endLine, q: c.qualifiedName, v: createHash('sha1').update(Buffer.from(v.buffer, v.byteOffset, v.byteLength)).digest('hex') };
    }),
  }));
}
