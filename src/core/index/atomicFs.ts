/**
 * Crash-safe file writes and integrity-checked reads for the index directory.
 *
 * `writeFileAtomic` writes a temp file in the target's directory, fsyncs it, renames it over the target and
 * fsyncs the directory: a reader (or a process restarted after a crash) sees either the old or the new
 * content, never a mix. `writeFileChecked`/`readFileChecked` add a 16-byte header (magic, payload length,
 * CRC-32 of the payload, CRC-32 of the header) so a truncated, padded or bit-rotted file is detected and
 * reported as an `IntegrityError` instead of being misread.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

const MAGIC = 0x31465050; // "PPF1" little-endian
export const CHECKED_HEADER_BYTES = 16;
/** Temp files carry this infix; `removeStaleTempFiles` deletes leftovers of interrupted writes. */
export const TEMP_INFIX = '.tmp-';

export type IntegrityProblem = 'missing' | 'truncated' | 'bad-magic' | 'bad-header' | 'bad-length' | 'checksum';

/** A file that exists (or should) but cannot be trusted. `problem` says why. */
export class IntegrityError extends Error {
  constructor(readonly file: string, readonly problem: IntegrityProblem, detail?: string) {
    super(`${path.basename(file)}: ${problem}${detail ? ` (${detail})` : ''}`);
    this.name = 'IntegrityError';
  }
}

export interface AtomicWriteOptions {
  /** fsync file and directory (default true). Tests and benchmarks may turn it off. */
  fsync?: boolean;
  /** Test hook: runs after the temp file is complete and before the rename; a throw aborts the write. */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

function toBuffer(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/** Parts smaller than this are copied into shared write buffers of this size; larger ones are written as they are. */
const WRITE_STAGE = 1 << 20;

/**
 * The parts as a few large pieces: each write is a round trip through libuv's thread pool, and a payload of many
 * small parts (the lexical index has one per posting list, ~470k at 100k chunks) took seconds of those.
 */
export function* coalesce(parts: readonly Uint8Array[]): Generator<Uint8Array> {
  let stage: Buffer | undefined;
  let used = 0;
  for (const part of parts) {
    if (part.byteLength >= WRITE_STAGE / 4) {
      if (used) yield stage!.subarray(0, used);
      stage = undefined; // the yielded view may still be in use by the caller's write
      used = 0;
      yield part;
      continue;
    }
    if (stage && used + part.byteLength > stage.byteLength) {
      yield stage.subarray(0, used);
      stage = undefined;
      used = 0;
    }
    stage ??= Buffer.allocUnsafe(WRITE_STAGE);
    stage.set(part, used);
    used += part.byteLength;
  }
  if (used) yield stage!.subarray(0, used);
}

async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (e) {
    // Windows cannot open/fsync a directory; the rename is still atomic there (MoveFileEx).
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF' && code !== 'EINVAL' && code !== 'EACCES') throw e;
  } finally {
    await handle?.close();
  }
}

/**
 * Atomically replaces `file` with `data` (temp file in the same directory + fsync + rename + fsync dir).
 * Parts may be given as an array so a large payload never has to exist as one string or buffer.
 */
export async function writeFileAtomic(
  file: string,
  data: Uint8Array | string | readonly (Uint8Array | string)[],
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const doSync = opts.fsync ?? true;
  const dir = path.dirname(file);
  const temp = path.join(dir, `${path.basename(file)}${TEMP_INFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  const parts = Array.isArray(data) ? (data as (Uint8Array | string)[]).map(toBuffer) : [toBuffer(data as Uint8Array | string)];
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, 'wx', 0o644);
    for (const piece of coalesce(parts)) {
      let off = 0;
      while (off < piece.byteLength) {
        const { bytesWritten } = await handle.write(piece, off, piece.byteLength - off);
        off += bytesWritten;
      }
    }
    if (doSync) await handle.sync();
    await handle.close();
    handle = undefined;
    if (opts.beforeRename) await opts.beforeRename(temp);
    await fs.rename(temp, file);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw e;
  }
  if (doSync) await fsyncDir(dir);
}

/** The 16-byte integrity header for `payload` (which may be given in parts). */
export function checkedHeader(payload: readonly Uint8Array[]): Buffer {
  let length = 0;
  let crc = 0;
  for (const p of payload) {
    length += p.byteLength;
    crc = crc32(p, crc);
  }
  if (length > 0xffffffff) throw new RangeError('checked file payload over 4 GiB');
  const header = Buffer.alloc(CHECKED_HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(length, 4);
  header.writeUInt32LE(crc >>> 0, 8);
  header.writeUInt32LE(crc32(header.subarray(0, 12)) >>> 0, 12);
  return header;
}

/** Wraps `payload` in the integrity header (in memory). */
export function encodeChecked(payload: Uint8Array | readonly Uint8Array[]): Buffer {
  const parts = payload instanceof Uint8Array ? [payload] : [...payload];
  return Buffer.concat([checkedHeader(parts), ...parts]);
}

/** Verifies and strips the integrity header; throws IntegrityError on any mismatch. */
export function decodeChecked(buf: Uint8Array, file = '<buffer>'): Buffer {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.byteLength < CHECKED_HEADER_BYTES) throw new IntegrityError(file, 'truncated', `${b.byteLength} bytes`);
  if (b.readUInt32LE(0) !== MAGIC) throw new IntegrityError(file, 'bad-magic');
  if ((crc32(b.subarray(0, 12)) >>> 0) !== b.readUInt32LE(12)) throw new IntegrityError(file, 'bad-header');
  const length = b.readUInt32LE(4);
  const actual = b.byteLength - CHECKED_HEADER_BYTES;
  if (actual < length) throw new IntegrityError(file, 'truncated', `${actual} of ${length} payload bytes`);
  if (actual > length) throw new IntegrityError(file, 'bad-length', `${actual - length} trailing bytes`);
  const payload = b.subarray(CHECKED_HEADER_BYTES);
  if ((crc32(payload) >>> 0) !== b.readUInt32LE(8)) throw new IntegrityError(file, 'checksum');
  return payload;
}

/** Atomically writes `payload` with the integrity header. */
export async function writeFileChecked(
  file: string,
  payload: Uint8Array | string | readonly (Uint8Array | string)[],
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const parts = (Array.isArray(payload) ? (payload as (Uint8Array | string)[]) : [payload as Uint8Array | string]).map(toBuffer);
  await writeFileAtomic(file, [checkedHeader(parts), ...parts], opts);
}

/** Reads a file written by `writeFileChecked`; throws IntegrityError ('missing' when absent, or the damage found). */
export async function readFileChecked(file: string): Promise<Buffer> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new IntegrityError(file, 'missing');
    throw e;
  }
  return decodeChecked(buf, file);
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes temp files left in `dir` by writes that were interrupted before their rename (by processes no
 * longer alive). Returns how many.
 */
export async function removeStaleTempFiles(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  let n = 0;
  for (const name of names) {
    const at = name.lastIndexOf(TEMP_INFIX);
    if (at < 0) continue;
    const pid = parseInt(name.slice(at + TEMP_INFIX.length), 10);
    if (pidAlive(pid)) continue; // a live process (maybe this one) may be writing it
    await fs.rm(path.join(dir, name), { force: true }).catch(() => undefined);
    n++;
  }
  return n;
}
