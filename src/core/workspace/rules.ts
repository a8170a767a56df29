/**
 * Built-in excludes and ignore-file parsing. Built-ins are gitignore-syntax rules, matched case-insensitively,
 * with the reason reported for what they exclude. A root `.pinpointignore` can re-include any of them with `!`.
 */
import type { SkipReason } from '../types';
import { segmentMatcher } from '../text/wildcard';

/** One segment of an anchored negation (matched without backtracking: see text/wildcard.ts), or `**`. */
export type SegmentPattern = { test(s: string): boolean } | '**';

export interface BuiltinRule {
  pattern: string;
  reason: SkipReason;
}

/** Version-control metadata: excluded even when the other built-ins are turned off. `.git` without `/`:
 *  also the `.git` file of worktrees and submodules. */
export const BUILTIN_VCS: readonly string[] = ['.git', '.hg', '.svn'];

/** Directories of tools, dependencies and build output (trailing `/`: directories only). */
export const BUILTIN_DIRS: readonly string[] = [
  ...BUILTIN_VCS,
  'node_modules/', 'bower_components/', 'jspm_packages/', 'vendor/', 'third_party/',
  'dist/', 'build/', 'out/', 'target/', '.next/', '.nuxt/', '.svelte-kit/', '.turbo/', '.parcel-cache/',
  'coverage/', '.nyc_output/',
  '__pycache__/', '.venv/', 'venv/', '.env/', // a virtualenv named `.env` (the file `.env` is a secret)
  '.tox/', '.nox/', '.mypy_cache/', '.pytest_cache/', '.ruff_cache/', '*.egg-info/',
  '.gradle/', '.idea/', '.vs/', '.vscode-test/', '.terraform/', '.dart_tool/', '.yarn/', '.pnpm-store/',
];

/** Generated files: bundles, source maps, lock files. */
export const BUILTIN_GENERATED: readonly string[] = [
  '*.min.js', '*.min.mjs', '*.min.css', '*.map',
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb',
  'Cargo.lock', 'poetry.lock', 'Pipfile.lock', 'uv.lock', 'Gemfile.lock', 'composer.lock', 'go.sum',
  'Podfile.lock', 'pubspec.lock', 'mix.lock', 'flake.lock', 'packages.lock.json',
];

/** Extensions of images, fonts, media, archives, compiled objects, data blobs: never source text. */
export const BUILTIN_BINARY_EXTENSIONS: readonly string[] = [
  'png', 'jpg', 'jpeg', 'gif', 'ico', 'icns', 'webp', 'avif', 'heic', 'bmp', 'tif', 'tiff', 'psd',
  'mp3', 'mp4', 'm4a', 'mov', 'avi', 'mkv', 'webm', 'wav', 'flac', 'ogg',
  'woff', 'woff2', 'ttf', 'otf', 'eot',
  'zip', 'gz', 'tgz', 'bz2', 'xz', 'zst', '7z', 'rar', 'jar', 'war', 'ear', 'iso', 'dmg', 'deb', 'rpm', 'apk', 'whl',
  'class', 'o', 'obj', 'a', 'lib', 'so', 'dylib', 'dll', 'exe', 'pdb', 'bin', 'wasm', 'pyc', 'pyo', 'node',
  'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx',
  'sqlite', 'sqlite3', 'db', 'parquet', 'npy', 'npz', 'pkl', 'onnx', 'pt', 'safetensors',
  'DS_Store',
];

export const BUILTIN_RULES: readonly BuiltinRule[] = [
  ...BUILTIN_DIRS.map((pattern) => ({ pattern, reason: 'ignored' as const })),
  ...BUILTIN_GENERATED.map((pattern) => ({ pattern, reason: 'generated' as const })),
  ...BUILTIN_BINARY_EXTENSIONS.map((ext) => ({ pattern: `*.${ext}`, reason: 'binary' as const })),
];

export interface IgnoreLine {
  /** The pattern as written (trailing whitespace trimmed). */
  pattern: string;
  /** 1-based line in its file. */
  line: number;
}

/** Lines of a gitignore-syntax file that can be rules (blank lines and comments dropped). */
export function parseIgnoreFile(text: string): IgnoreLine[] {
  const out: IgnoreLine[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const pattern = lines[i].replace(/(?<!\\)\s+$/, '');
    if (!pattern || pattern.startsWith('#')) continue;
    out.push({ pattern, line: i + 1 });
  }
  return out;
}

/** Human-readable size: "2.4 MB", "812.0 KB", "93 bytes" (decimal units, as the limit is configured). */
export function formatBytes(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  if (n >= 1_000) return `${(n / 1_000).toFixed(1)} KB`;
  return `${n} bytes`;
}

/**
 * For a negation (`!dist/keep.js`), the per-segment matchers of its path when it is anchored (has a `/`
 * before its end and does not start with `**`); undefined otherwise. Used to decide whether an excluded
 * directory could hold something the negation re-includes.
 */
export function anchoredNegation(pattern: string, ignoreCase: boolean): SegmentPattern[] | undefined {
  if (!pattern.startsWith('!')) return undefined;
  const body = pattern.slice(1).replace(/\/+$/, '');
  if (!body.includes('/')) return undefined;
  const segs = body.replace(/^\/+/, '').split('/').filter(Boolean);
  if (!segs.length || segs[0] === '**') return undefined;
  return segs.map((s) => (s === '**' ? '**' : segmentMatcher(s, ignoreCase)));
}

/** Whether an anchored negation's segments could match some path strictly below `dirSegs`. */
export function couldMatchBelow(pat: readonly SegmentPattern[], dirSegs: string[]): boolean {
  for (let i = 0; i < dirSegs.length; i++) {
    if (i >= pat.length) return false;
    const p = pat[i];
    if (p === '**') return true;
    if (!p.test(dirSegs[i])) return false;
  }
  return pat.length > dirSegs.length;
}
