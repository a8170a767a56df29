/**
 * Content checks on a file's bytes: binary, encoding, minified. The walker decides by name and size only;
 * the indexer reads the bytes and asks `decodeSource` whether (and as what text) to index them.
 */
import type { SkipReason } from '../types';

export type DecodeResult = { ok: true; text: string } | { ok: false; reason: SkipReason; detail: string };

export interface DecodeOptions {
  /** Skip the minified check: the file was explicitly re-included by a .pinpointignore negation. */
  allowMinified?: boolean;
}

/** Bytes sampled for the binary check. */
export const BINARY_SAMPLE_BYTES = 8192;
/** Share of control bytes (other than tab, newlines, form feed, escape) above which a file is binary. */
export const MAX_CONTROL_RATIO = 0.1;
/** A single line longer than this marks a file as minified. */
export const MAX_LINE_CHARS = 5000;
/** Files larger than this (chars) whose average line is longer than MAX_AVG_LINE_CHARS are minified. */
export const MIN_CHARS_FOR_AVG_CHECK = 4096;
export const MAX_AVG_LINE_CHARS = 300;

/** Prose formats, where long soft-wrapped paragraphs are normal: exempt from the average-line check. */
const PROSE_EXT = /\.(md|markdown|mdx|txt|rst|adoc|asciidoc|org|tex)$/i;

/** Strict decoder; `ignoreBOM: false` means a leading UTF-8 BOM is consumed, not returned. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

const num = (n: number): string => n.toLocaleString('en-US');

function fail(reason: SkipReason, detail: string): DecodeResult {
  return { ok: false, reason, detail };
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) { i++; continue; }
    let len: number;
    let min2 = 0x80, max2 = 0xbf; // allowed range of the second byte (excludes overlongs and surrogates)
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b === 0xe0) min2 = 0xa0;
      if (b === 0xed) max2 = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b === 0xf0) min2 = 0x90;
      if (b === 0xf4) max2 = 0x8f;
    } else return i;
    if (i + len > n) return i;
    const b2 = bytes[i + 1];
    if (b2 < min2 || b2 > max2) return i;
    for (let k = 2; k < len; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += len;
  }
  return -1;
}

function lineOfOffset(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function binaryCheck(bytes: Uint8Array): string | undefined {
  const n = Math.min(bytes.length, BINARY_SAMPLE_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return `NUL byte at offset ${num(i)}: looks like a binary file, not source text`;
    // tab, LF, VT, FF, CR and ESC (ANSI colours in logs) are text; other C0 bytes and DEL are not.
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1b) || b === 0x7f) control++;
  }
  if (n > 0 && control / n > MAX_CONTROL_RATIO) {
    return `${Math.round((100 * control) / n)}% of the first ${num(n)} bytes are control characters: looks like a binary file, not source text`;
  }
  return undefined;
}

function minifiedCheck(relPath: string, text: string): string | undefined {
  let longest = 0, longestLine = 0, lines = 0, start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    lines++;
    if (end - start > longest) { longest = end - start; longestLine = lines; }
    if (nl < 0) break;
    start = nl + 1;
  }
  const hint = `add "!${relPath}" to .pinpointignore to index it anyway`;
  if (longest > MAX_LINE_CHARS) {
    return `line ${num(longestLine)} is ${num(longest)} characters long: looks minified or generated; ${hint}`;
  }
  if (text.length > MIN_CHARS_FOR_AVG_CHECK && !PROSE_EXT.test(relPath)) {
    const avg = Math.round(text.length / lines);
    if (avg > MAX_AVG_LINE_CHARS) {
      return `average line is ${num(avg)} characters long over ${num(lines)} lines: looks minified or generated; ${hint}`;
    }
  }
  return undefined;
}

/**
 * Decides whether `bytes` are indexable source text and returns the text: UTF-8 only, BOM stripped,
 * `\r\n` and lone `\r` turned into `\n` (one line break each, so line numbers match the editor's).
 * Failures carry a reason and a detail a user can act on.
 */
export function decodeSource(relPath: string, bytes: Uint8Array, opts: DecodeOptions = {}): DecodeResult {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const bom = bytes[0] === 0xff ? 'FF FE' : 'FE FF';
    return fail('invalid-utf8', `UTF-16 encoded (byte-order mark ${bom}); re-save it as UTF-8 to index it`);
  }
  const binary = binaryCheck(bytes);
  if (binary) return fail('binary', binary);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const where = at >= 0 ? `at byte ${num(at)} (line ${num(lineOfOffset(bytes, at))})` : '';
    return fail('invalid-utf8', `invalid UTF-8 ${where}: the file is probably in another encoding (e.g. Latin-1 or Windows-1252); re-save it as UTF-8 to index it`.replace('  ', ' '));
  }
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  if (!opts.allowMinified) {
    const minified = minifiedCheck(relPath, text);
    if (minified) return fail('minified', minified);
  }
  return { ok: true, text };
}
