/** The chunker: symbol-level chunks via tree-sitter for known grammars, line windows for everything else. */
import type { Chunk, ChunkOptions } from '../types';
import { DEFAULT_CHUNK_OPTIONS } from '../types';
import { resolveAssets } from './assets';
import { definitionChunks } from './build';
import { sectionChunks } from './fallback';
import { blankMatches, GrammarLoader } from './grammars';
import { assignIds, type Draft } from './ids';
import { loadRegistry, type Registry } from './registry';
import { Lines } from './text';
import { TreeCache } from './treeCache';

export interface ChunkOutcome {
  chunks: Chunk[];
  /** Set when the chunks are line windows only because the file's grammar failed to load (a message saying so). */
  degraded?: string;
}

export interface Chunker {
  /** Chunks of one file. `text` is decoded (no BOM, `\n` line ends); `path` is workspace-relative with `/`. */
  chunk(path: string, text: string, options?: Partial<ChunkOptions>): Promise<Chunk[]>;
  /** The same, saying whether the file fell back to line windows because its grammar failed to load. */
  chunkChecked?(path: string, text: string, options?: Partial<ChunkOptions>): Promise<ChunkOutcome>;
  /** Language id of a path (`typescript`, `markdown`, …); `text` when unknown. */
  languageOf(path: string): string;
}

export interface ChunkerOptions {
  /** A directory with the bundled layout (`languages.json`, `<id>/<id>.wasm`, `<id>/*.scm`) to use instead. */
  assetsDir?: string;
  /** Keep the syntax trees of this many recently chunked files, to re-parse them incrementally (default 8; 0: off). */
  treeCache?: number;
}

/** Cheap: grammars are loaded on first use, once per process. */
export function createChunker(opts: ChunkerOptions = {}): Chunker {
  let state: { registry: Registry; loader: GrammarLoader } | undefined;
  const trees = (opts.treeCache ?? 8) > 0 ? new TreeCache(opts.treeCache ?? 8) : undefined;
  const init = () => {
    if (!state) {
      const assets = resolveAssets(opts.assetsDir);
      state = { registry: loadRegistry(assets.registryFile), loader: new GrammarLoader(assets) };
    }
    return state;
  };
  const chunkChecked = async (path: string, text: string, options?: Partial<ChunkOptions>): Promise<ChunkOutcome> => {
    const { registry, loader } = init();
    const o: ChunkOptions = {
      maxLines: options?.maxLines ?? DEFAULT_CHUNK_OPTIONS.maxLines,
      targetLines: options?.targetLines ?? DEFAULT_CHUNK_OPTIONS.targetLines,
    };
    const language = registry.languageOf(path, text); // a C++ header named .h is C++
    const entry = registry.byId.get(language);
    const lines = new Lines(text);
    let drafts: Draft[] | undefined;
    const grammar = entry?.wasm ? await loader.get(entry) : undefined;
    if (grammar) {
      const key = `${language}\0${path}`;
      let tree = null;
      try {
        const source = blankMatches(text, grammar.blank);
        tree = trees ? trees.parse(grammar.parser, key, source) : grammar.parser.parse(source);
        if (tree) drafts = definitionChunks(path, language, lines, tree.rootNode, grammar, o);
      } catch {
        drafts = undefined; // fall back to line windows
        trees?.drop(key);
      } finally {
        if (!trees) tree?.delete();
      }
    }
    drafts ??= sectionChunks(path, language, lines, o, entry?.headings === true);
    drafts.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
    const chunks = assignIds(drafts);
    return entry?.wasm && !grammar ? { chunks, degraded: `the ${language} grammar failed to load` } : { chunks };
  };
  return {
    languageOf: (path) => init().registry.languageOf(path),
    chunkChecked,
    chunk: async (path, text, options) => (await chunkChecked(path, text, options)).chunks,
  };
}
