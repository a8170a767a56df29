/** Shared data shapes of the core. Pure types: no runtime code, no `vscode`. */

/** What a chunk stands for. Tree-sitter definitions use the first group; the fallback chunker uses the rest. */
export type ChunkKind =
  | 'function' | 'method' | 'class' | 'interface' | 'struct' | 'enum' | 'trait' | 'type' | 'module'
  | 'constant' // module-level constant/variable block
  | 'block' // merged run of small top-level statements between definitions
  | 'section'; // line window of a file without a grammar (or whose parse failed)

export interface Chunk {
  /** Stable id: derived from path, kind, qualifiedName and the content hash (not from line numbers). */
  id: string;
  /** Workspace-relative, `/`-separated. */
  path: string;
  /** Language id from grammars/languages.json (`typescript`, `python`, …) or a plain-text id (`markdown`, `text`). */
  language: string;
  kind: ChunkKind;
  /** Short name (`parse`); for blocks and sections a descriptive label. */
  name: string;
  /** Name with its enclosing context (`Parser.parse`, `pkg.Type.Method`). */
  qualifiedName: string;
  /** 1-based inclusive; covers the doc comment and decorators. */
  startLine: number;
  endLine: number;
  /** The declaration line(s) up to the body. Empty for blocks and sections. */
  signature: string;
  /** Doc comment or docstring text, comment markers stripped. */
  doc: string;
  /**
   * The retrieval text. Verbatim source lines `startLine..endLine`, except: class-like summary chunks (member bodies
   * elided as `{ … }` / `…`) and split parts after the first (the signature and a `…` line, then the part's lines).
   */
  text: string;
  /** sha256 (hex) of `text`. */
  hash: string;
  /** Set when an oversized definition was split: part index (1-based) and part count. */
  part?: { index: number; count: number };
}

export type SkipReason =
  | 'ignored' // .gitignore / .pinpointignore / built-in exclude
  | 'secret' // secrets are never read
  | 'too-large'
  | 'binary'
  | 'minified'
  | 'invalid-utf8'
  | 'generated' // lock files, vendored bundles
  | 'unreadable';

export interface SkippedFile {
  path: string;
  reason: SkipReason;
  /** Human-readable detail, e.g. "2.4 MB > max 1 MB". */
  detail?: string;
}

export interface ScanResult {
  files: number;
  chunks: number;
  skipped: SkippedFile[];
  byLanguage: Record<string, { files: number; chunks: number }>;
  ms: number;
}

export interface ChunkOptions {
  /** Definitions longer than this are split at statement boundaries. Default 150. */
  maxLines: number;
  /** Runs of small top-level statements are merged up to this size; fallback windows aim at it. Default 60. */
  targetLines: number;
}

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { maxLines: 150, targetLines: 60 };
