/**
 * One measurement in a fresh process (so peak RSS is its own):
 *   scanWorker.js scan <dir>   — the real `pinpoint scan`: walk, read, decode, parse, query, chunk
 *   scanWorker.js parse <dir>  — the physical floor: walk + read + decode + grammar load + tree-sitter parse of the
 *                                same files, nothing else (no query, no chunks). Also reports the parse-only share.
 * Prints one JSON line: wall `ms` of the measured region and its process CPU time `cpuMs`.
 */
import { readFileSync } from 'node:fs';
import { Language, Parser } from 'web-tree-sitter';
import { FsHost } from '../src/core/fsHost';
import { createChunker } from '../src/core/parsing/chunker';
import { resolveAssets } from '../src/core/parsing/assets';
import { loadRegistry, type LanguageEntry } from '../src/core/parsing/registry';
import { scanWorkspace, readWorkspace } from '../src/core/scan';
import { walkWorkspace } from '../src/core/workspace/walk';
import { cpuSince, peakRssMb } from './common';

async function main() {
  const [mode, dir] = process.argv.slice(2);
  const host = new FsHost(dir);
  if (mode === 'scan') {
    const chunker = createChunker();
    await chunker.chunk('warm.py', 'def f():\n  pass\n'); // runtime init is not part of a workspace scan
    const c0 = process.cpuUsage();
    const r = await scanWorkspace(host, chunker);
    const cpuMs = cpuSince(c0);
    const byLanguage = Object.fromEntries(Object.entries(r.byLanguage).map(([k, v]) => [k, v]));
    console.log(JSON.stringify({ mode, files: r.files, chunks: r.chunks, skipped: r.skipped.length, byLanguage, ms: r.ms, cpuMs, rssMb: peakRssMb() }));
    return;
  }
  // The floor. A scan cannot avoid walking the workspace, reading and decoding every indexable file, loading the
  // grammars it meets and parsing those files; this mode does exactly that (through the scan's own walk and reader,
  // so both get the same I/O strategy) and nothing else: no definitions query (neither compiled nor run), no chunk
  // assembly, no hashing. As in the scan, the runtime and the Python grammar are warmed before the clock starts,
  // every other grammar is loaded on first use.
  const assets = resolveAssets();
  const registry = loadRegistry(assets.registryFile);
  await Parser.init({ locateFile: () => assets.runtimeWasm });
  const parsers = new Map<string, Promise<Parser | undefined>>();
  const parserFor = (entry: LanguageEntry): Promise<Parser | undefined> => {
    let p = parsers.get(entry.id);
    if (!p) {
      p = Language.load(new Uint8Array(readFileSync(assets.grammarWasm(entry)))).then(
        (language) => new Parser().setLanguage(language),
        () => undefined,
      );
      parsers.set(entry.id, p);
    }
    return p;
  };
  const python = registry.byId.get('python');
  if (python?.wasm) (await parserFor(python))?.parse('def f():\n  pass\n')?.delete();
  let parsed = 0;
  let parseMsSum = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const walked = await walkWorkspace(host);
  const walkMs = performance.now() - t0;
  for await (const r of readWorkspace(host, walked.files)) {
    if (r.text === undefined) continue;
    const entry = registry.byId.get(registry.languageOf(r.file.path));
    const parser = entry?.wasm ? await parserFor(entry) : undefined;
    if (!parser) continue;
    const p0 = performance.now();
    const tree = parser.parse(r.text);
    tree?.delete();
    parseMsSum += performance.now() - p0;
    parsed++;
  }
  const ms = Math.round(performance.now() - t0);
  const cpuMs = cpuSince(c0);
  console.log(JSON.stringify({ mode, parsed, ms, cpuMs, parseMs: Math.round(parseMsSum), walkMs: Math.round(walkMs), rssMb: peakRssMb() }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
