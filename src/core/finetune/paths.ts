/**
 * Where a workspace's traces live for the CLI: `<index dir>/traces` (the index dir being `--index-dir` or
 * `defaultIndexDir(root)`), holding the trace store (`traces.jsonl`) and synthesized turns
 * (`synthetic.jsonl`). The model switch file sits in the index dir too (`assistant-model.json`).
 */
import * as path from 'node:path';
import { defaultIndexDir } from '../index/location';

export const TRACES_DIR_NAME = 'traces';
export const SYNTHETIC_TRACE_FILE = 'synthetic.jsonl';

export function indexDirFor(root: string, indexDir?: string): string {
  return indexDir ? path.resolve(indexDir) : defaultIndexDir(root);
}

export function tracesDirFor(root: string, o: { indexDir?: string; traces?: string } = {}): string {
  return o.traces ? path.resolve(o.traces) : path.join(indexDirFor(root, o.indexDir), TRACES_DIR_NAME);
}
