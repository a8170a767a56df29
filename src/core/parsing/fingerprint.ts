/**
 * What an index's chunks were made with: the chunking code's version and every grammar asset (languages.json, each
 * language's query directory, the size of its grammar wasm). An index whose stamp differs re-chunks every file on its
 * next full sync; chunks that come out the same keep their ids, so their vectors are reused, not embedded again.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { readOptional, resolveAssets } from './assets';
import { loadRegistry } from './registry';

/** Bump when a change to the chunking code (not to the grammar assets, which are hashed) changes the chunks. */
export const CHUNKER_VERSION = 1;

export function chunkerFingerprint(assetsDir?: string): string {
  const assets = resolveAssets(assetsDir);
  const h = createHash('sha256').update(`chunker ${CHUNKER_VERSION}\n`).update(readOptional(assets.registryFile) ?? '');
  const dirs = new Set<string>();
  for (const lang of loadRegistry(assets.registryFile).languages) {
    if (!lang.wasm) continue;
    const dir = assets.queryDir(lang);
    let wasmSize = -1;
    try {
      wasmSize = statSync(assets.grammarWasm(lang)).size;
    } catch {
      // a missing grammar falls back to line windows: that is part of the stamp too
    }
    h.update(`\n${lang.id} ${wasmSize} ${path.basename(dir)}\n`);
    if (dirs.has(dir)) continue;
    dirs.add(dir);
    let names: string[] = [];
    try {
      names = readdirSync(dir).sort();
    } catch {
      // no query directory: the language is chunked by line windows
    }
    // Queries and settings; a bundled layout keeps the wasm here too, and its size is enough.
    for (const name of names) if (/\.(scm|json)$/.test(name)) h.update(`${name}\n`).update(readFileSync(path.join(dir, name)));
  }
  return h.digest('hex').slice(0, 32);
}
