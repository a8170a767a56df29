/**
 * Where grammar assets live.
 *
 * Bundled (`process.env.PINPOINT_BUNDLED === '1'`, defined by esbuild): `<dist>/grammars/<id>/{<id>.wasm, *.scm, language.json}`,
 * `<dist>/grammars/languages.json` and `<dist>/web-tree-sitter.wasm`, next to the bundle (`__dirname`).
 * Unbundled (tests, tsc output): queries from `<repo>/grammars/<queryDir|id>/`, wasm from the grammar package.
 * An explicit `assetsDir` override uses the bundled layout.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LanguageEntry } from './registry';

export interface AssetPaths {
  /** Path of languages.json. */
  registryFile: string;
  /** Path of web-tree-sitter.wasm. */
  runtimeWasm: string;
  /** Path of the grammar .wasm of a language. */
  grammarWasm(lang: LanguageEntry): string;
  /** Directory holding definitions.scm (and optional language.json) of a language. */
  queryDir(lang: LanguageEntry): string;
}

/** The repository root: the closest ancestor holding both package.json and grammars/. */
export function findRepoRoot(from: string): string | undefined {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'grammars', 'languages.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function bundledLayout(dir: string, runtimeWasm: string): AssetPaths {
  return {
    registryFile: path.join(dir, 'languages.json'),
    runtimeWasm,
    grammarWasm: (lang) => path.join(dir, lang.id, `${lang.id}.wasm`),
    queryDir: (lang) => path.join(dir, lang.id),
  };
}

export function resolveAssets(assetsDir?: string): AssetPaths {
  if (assetsDir) {
    const runtime = [path.join(assetsDir, 'web-tree-sitter.wasm'), path.join(assetsDir, '..', 'web-tree-sitter.wasm')].find((p) => existsSync(p));
    return bundledLayout(assetsDir, runtime ?? require.resolve('web-tree-sitter/web-tree-sitter.wasm'));
  }
  if (process.env.PINPOINT_BUNDLED === '1') {
    return bundledLayout(path.join(__dirname, 'grammars'), path.join(__dirname, 'web-tree-sitter.wasm'));
  }
  const root = findRepoRoot(__dirname);
  if (!root) throw new Error(`Pinpoint: grammars/ not found above ${__dirname}`);
  const grammars = path.join(root, 'grammars');
  const pkgDirs = new Map<string, string>();
  const pkgDir = (pkg: string): string => {
    let dir = pkgDirs.get(pkg);
    if (!dir) {
      dir = path.dirname(require.resolve(`${pkg}/package.json`, { paths: [root] }));
      pkgDirs.set(pkg, dir);
    }
    return dir;
  };
  return {
    registryFile: path.join(grammars, 'languages.json'),
    runtimeWasm: require.resolve('web-tree-sitter/web-tree-sitter.wasm', { paths: [root] }),
    grammarWasm: (lang) => {
      if (!lang.wasm) throw new Error(`language ${lang.id} has no grammar`);
      return path.join(pkgDir(lang.wasm.package), lang.wasm.file);
    },
    queryDir: (lang) => path.join(grammars, lang.queryDir ?? lang.id),
  };
}

/** Reads a text asset, or undefined when missing. */
export function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
