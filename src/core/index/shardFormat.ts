/**
 * How a shard's records map onto vectra `IndexItem`s (one vectra index per shard, ProtobufCodec).
 *
 * - one header item `\u0000shard` (metadata: format version, dimension, shard number),
 * - one item per file `\u0000file:<path>` (empty vector; metadata: size, mtime, content hash, chunk ids, embedder key),
 * - one item per chunk, id = chunk id, vector = the embedding as stored (int8 × a power-of-two scale, exact in
 *   float32; see VectorSlab), metadata = the chunk fields + text.
 *
 * Metadata keys are short because the protobuf map stores every key in every item.
 */
import type { IndexItem, MetadataTypes } from 'vectra';
import type { Chunk, ChunkKind } from '../types';
import { ownString } from '../text/strings';

export const SHARD_FORMAT = 1;
export const HEADER_ID = '\u0000shard';
const FILE_PREFIX = '\u0000file:';

export interface FileEntry {
  /** Workspace-relative, `/`-separated. */
  path: string;
  size: number;
  mtimeMs: number;
  /** Hash of the file's content. */
  hash: string;
  /** Ids of the file's chunks, in file order. */
  chunkIds: string[];
  /** Which embedder produced the vectors (so a model change can be detected per file). */
  embedderKey?: string;
}

/** The store's `store.json`: what every shard was written with. */
export interface StoreMeta {
  format: 'pinpoint-vectors';
  version: number;
  dimension: number;
  shardCount: number;
}

/** What was found damaged on disk, and what was lost with it (the files are re-indexed by the next resync). */
export interface DamageInfo {
  /** Shard file name (or `store.json`, or `*` for the whole store). */
  shard: string;
  reason: string;
  /** Files known to be lost (they now appear unindexed); absent when the shard was unreadable. */
  lostPaths?: string[];
}

/** FNV-1a 32-bit of a string's UTF-16 code units: stable across runs and platforms. */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function shardOf(path: string, shardCount: number): number {
  return fnv1a(path) % shardCount;
}

export function shardName(shard: number): string {
  return `s-${shard.toString(16).padStart(4, '0')}.pb`;
}

export function parseShardName(name: string): number | undefined {
  const m = /^s-([0-9a-f]{4})\.pb$/.exec(name);
  return m ? parseInt(m[1], 16) : undefined;
}

type Meta = Record<string, MetadataTypes>;

export function headerItem(dimension: number, shard: number): Partial<IndexItem> {
  return { id: HEADER_ID, vector: [], metadata: { v: SHARD_FORMAT, dim: dimension, shard } };
}

export function fileItem(e: FileEntry): Partial<IndexItem> {
  const metadata: Meta = { p: e.path, sz: e.size, mt: e.mtimeMs, h: e.hash, ids: JSON.stringify(e.chunkIds) };
  if (e.embedderKey !== undefined) metadata.ek = e.embedderKey;
  return { id: FILE_PREFIX + e.path, vector: [], metadata };
}

export function chunkItem(c: Chunk, vector: number[]): Partial<IndexItem> {
  const metadata: Meta = {
    p: c.path, l: c.language, k: c.kind, n: c.name, q: c.qualifiedName, s: c.startLine, e: c.endLine,
    sg: c.signature, d: c.doc, x: c.text, h: c.hash,
  };
  if (c.part) {
    metadata.pi = c.part.index;
    metadata.pc = c.part.count;
  }
  return { id: c.id, vector, metadata };
}

const str = (m: Meta, k: string): string => {
  const v = m[k];
  if (typeof v !== 'string') throw new Error(`field ${k} is not a string`);
  return v;
};
const num = (m: Meta, k: string): number => {
  const v = m[k];
  if (typeof v !== 'number') throw new Error(`field ${k} is not a number`);
  return v;
};

export type DecodedItem =
  | { type: 'header'; version: number; dimension: number; shard: number }
  | { type: 'file'; entry: FileEntry }
  | { type: 'chunk'; chunk: Chunk; vector: number[] };

/** Decodes one vectra item; throws on a malformed one (the caller treats the shard as damaged). */
export function decodeItem(item: IndexItem): DecodedItem {
  const m = item.metadata as Meta;
  if (item.id === HEADER_ID) return { type: 'header', version: num(m, 'v'), dimension: num(m, 'dim'), shard: num(m, 'shard') };
  if (item.id.startsWith(FILE_PREFIX)) {
    const ids: unknown = JSON.parse(str(m, 'ids'));
    if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) throw new Error('bad chunk id list');
    const entry: FileEntry = { path: ownString(str(m, 'p')), size: num(m, 'sz'), mtimeMs: num(m, 'mt'), hash: ownString(str(m, 'h')), chunkIds: ids };
    if (typeof m.ek === 'string') entry.embedderKey = m.ek;
    if (FILE_PREFIX + entry.path !== item.id) throw new Error('file item id and path disagree');
    return { type: 'file', entry };
  }
  const chunk: Chunk = {
    // Kept for the life of the store: flat copies (the body fields go to the scratch file, see chunkTexts.ts).
    id: ownString(item.id), path: str(m, 'p'), language: str(m, 'l'), kind: str(m, 'k') as ChunkKind, name: ownString(str(m, 'n')),
    qualifiedName: ownString(str(m, 'q')), startLine: num(m, 's'), endLine: num(m, 'e'), signature: str(m, 'sg'),
    doc: str(m, 'd'), text: str(m, 'x'), hash: str(m, 'h'),
  };
  if (typeof m.pi === 'number' && typeof m.pc === 'number') chunk.part = { index: m.pi, count: m.pc };
  return { type: 'chunk', chunk, vector: item.vector };
}
