/**
 * Lazy grammar loading for web-tree-sitter 0.27: the runtime is initialised once, each language's wasm is
 * loaded once, its definitions query compiled once, and one Parser per language is reused.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, Query } from 'web-tree-sitter';
import { readOptional, type AssetPaths } from './assets';
import type { LanguageEntry } from './registry';

/** Per-language data (grammars/<lang>/language.json): what the query cannot say cheaply. */
export interface LanguageConfig {
  /** Node types of comments. */
  commentTypes: string[];
  /** Comments starting with one of these are doc comments (others only widen the chunk's range). */
  docPrefixes: string[];
  /** Parent node types that wrap a definition and belong to it (`export_statement`, `decorated_definition`, `template_declaration`). */
  wrappers: string[];
  /** Preceding sibling node types that belong to the next definition (decorators, attributes). */
  attached: string[];
  /** Leading child node types left out of the signature (decorators). */
  signatureSkip: string[];
  /** Separator splitting a qualified `@name` into scope and name (`::` for `Foo::bar`). */
  scopeSeparator?: string;
  /** How deep below a searched node the query may start matching (default 6); containers deeper are searched again. */
  maxStartDepth?: number;
  /**
   * Regular expressions (multiline) for text to blank, length kept, before parsing (each match's named group `blank`
   * if it has one, else the whole match): C#'s `#if` directives inside a declaration (`class A\n#if X\n : I\n#endif\n{`),
   * C++'s export macros (`class LEVELDB_EXPORT DB {`) and C's declaration macros (`NPY_NO_EXPORT int\nf(…)`) break
   * the grammar's parse of a whole class, or of the rest of a file. Chunk text stays verbatim. A match with a named
   * group `semicolon` (one space or tab) turns that character into `;` instead: tree-sitter-typescript does not end a
   * type member at a line break before a generic call signature (`<T>(x: T): T`; tree-sitter-typescript#335).
   */
  blankBeforeParse?: string | string[];
}

const DEFAULT_CONFIG: LanguageConfig = { commentTypes: ['comment'], docPrefixes: [], wrappers: [], attached: [], signatureSkip: [] };

export interface Grammar {
  id: string;
  parser: Parser;
  query: Query;
  config: LanguageConfig;
  /** `config.blankBeforeParse`, compiled (`dgm`). */
  blank?: RegExp[];
}

/**
 * `text` with every match of each of `res` (flags `dgm`, applied in turn) blanked: its named group `blank` if it has
 * one, else the whole match, each character but line ends replaced by a space, so rows and columns are unchanged.
 * A named group `semicolon` is replaced by `;` (it must be one space or tab).
 */
export function blankMatches(text: string, res: readonly RegExp[] | undefined): string {
  if (res) for (const re of res) text = blankAll(text, re);
  return text;
}

function blankAll(text: string, re: RegExp): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(re)) {
    const groups = m.indices?.groups;
    const semicolon = groups?.semicolon;
    const [s, e] = semicolon ?? groups?.blank ?? m.indices![0];
    if (e <= s || (semicolon && (e !== s + 1 || (text[s] !== ' ' && text[s] !== '\t')))) continue;
    out += text.slice(last, s) + (semicolon ? ';' : text.slice(s, e).replace(/[^\n]/g, ' '));
    last = e;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** How many grammars have been loaded by this process (all loaders together); for tests. */
export const loadStats = { runtimeInits: 0, grammarLoads: 0 };

let runtime: Promise<void> | undefined;
let runtimeWasmPath: string | undefined;

function initRuntime(wasmPath: string): Promise<void> {
  if (!runtime) {
    runtimeWasmPath = wasmPath;
    loadStats.runtimeInits++;
    runtime = Parser.init({ locateFile: () => runtimeWasmPath as string }).catch((err: unknown) => {
      runtime = undefined;
      throw err;
    });
  }
  return runtime;
}

/** Grammars by wasm path + query dir: shared by every loader in the process, so each loads once. */
const grammarCache = new Map<string, Promise<Grammar | undefined>>();

/** Loads grammars on first use; a failed load is remembered (the language then falls back to line windows). */
export class GrammarLoader {
  /** The last load failure, for diagnostics. */
  lastError: Error | undefined;

  /** Per-entry memo of `get`: the cache key joins two paths, which is measurable when called once per file. */
  private readonly byEntry = new WeakMap<LanguageEntry, Promise<Grammar | undefined>>();

  constructor(private readonly assets: AssetPaths) {}

  get(lang: LanguageEntry): Promise<Grammar | undefined> {
    if (!lang.wasm) return Promise.resolve(undefined);
    let memo = this.byEntry.get(lang);
    if (!memo) {
      memo = this.getShared(lang);
      this.byEntry.set(lang, memo);
    }
    return memo;
  }

  private getShared(lang: LanguageEntry): Promise<Grammar | undefined> {
    const key = `${this.assets.grammarWasm(lang)}|${this.assets.queryDir(lang)}`;
    let p = grammarCache.get(key);
    if (!p) {
      p = this.load(lang).catch((err: unknown) => {
        this.lastError = err instanceof Error ? err : new Error(String(err));
        // Loud, once per grammar: a silent fallback hides a broken install or bundle.
        process.emitWarning(`Pinpoint: the ${lang.id} grammar failed to load (${this.lastError.message}); its files fall back to line windows`);
        return undefined;
      });
      grammarCache.set(key, p);
    }
    return p;
  }

  private async load(lang: LanguageEntry): Promise<Grammar | undefined> {
    const qdir = this.assets.queryDir(lang);
    const source = readOptional(path.join(qdir, 'definitions.scm'));
    if (source === undefined) return undefined;
    await initRuntime(this.assets.runtimeWasm);
    loadStats.grammarLoads++;
    const language = await Language.load(new Uint8Array(readFileSync(this.assets.grammarWasm(lang))));
    const query = new Query(language, source);
    const parser = new Parser();
    parser.setLanguage(language);
    const cfgText = readOptional(path.join(qdir, 'language.json'));
    const config: LanguageConfig = { ...DEFAULT_CONFIG, ...(cfgText ? (JSON.parse(cfgText) as Partial<LanguageConfig>) : {}) };
    const patterns = config.blankBeforeParse === undefined ? [] : [config.blankBeforeParse].flat();
    const blank = patterns.map((p) => new RegExp(p, 'dgm'));
    return { id: lang.id, parser, query, config, ...(blank.length ? { blank } : {}) };
  }
}
