import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSource, firstInvalidUtf8 } from '../../../src/core/workspace/content';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

test('a NUL byte in the first 8 KB marks a file binary, with its offset', () => {
  const r = decodeSource('data.txt', Uint8Array.from([0x61, 0x62, 0x00, 0x63]));
  assert.deepEqual(r, { ok: false, reason: 'binary', detail: 'NUL byte at offset 2: looks like a binary file, not source text' });
  // Past the sample it is not looked for (and is then valid UTF-8 text).
  const late = new TextEncoder().encode('abcdefg\n'.repeat(1125));
  late[8500] = 0;
  assert.equal(decodeSource('late.txt', late).ok, true);
});

test('a high share of control bytes marks a file binary; tabs, newlines and ANSI escapes do not', () => {
  const noisy = Uint8Array.from({ length: 200 }, (_, i) => (i % 5 === 0 ? 0x01 : 0x61));
  const r = decodeSource('x.dat', noisy);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.reason, 'binary');
  assert.match(!r.ok ? r.detail : '', /20% of the first 200 bytes are control characters/);
  const log = bytes('\x1b[31mred\x1b[0m\tcol\r\n'.repeat(20));
  assert.equal(decodeSource('build.log', log).ok, true);
});

test('a one-line minified bundle is skipped with an actionable message, unless re-included', () => {
  const js = 'var a=1;'.repeat(6027);
  const r = decodeSource('web/app.js', bytes(js));
  assert.deepEqual(r, {
    ok: false, reason: 'minified',
    detail: 'line 1 is 48,216 characters long: looks minified or generated; add "!web/app.js" to .pinpointignore to index it anyway',
  });
  const ok = decodeSource('web/app.js', bytes(js), { allowMinified: true });
  assert.deepEqual(ok, { ok: true, text: js });
});

test('a long average line marks a file minified; prose and short files are exempt', () => {
  const wide = ('x'.repeat(399) + '\n').repeat(20);
  const r = decodeSource('gen.js', bytes(wide));
  assert.equal(!r.ok && r.reason, 'minified');
  assert.match(!r.ok ? r.detail : '', /^average line is 381 characters long over 21 lines/);
  assert.equal(decodeSource('notes.md', bytes(wide)).ok, true);
  assert.equal(decodeSource('short.js', bytes('x'.repeat(2000))).ok, true);
});

test('invalid UTF-8 is reported with its byte offset and line', () => {
  const b = Uint8Array.from([...bytes('abc\ndéf\n'), 0xe9, ...bytes('t\n')]);
  const r = decodeSource('latin1.c', b);
  assert.deepEqual(r, {
    ok: false, reason: 'invalid-utf8',
    detail: 'invalid UTF-8 at byte 9 (line 3): the file is probably in another encoding (e.g. Latin-1 or Windows-1252); re-save it as UTF-8 to index it',
  });
});

test('UTF-16 files are recognised by their byte-order mark', () => {
  const r = decodeSource('w.txt', Uint8Array.from([0xff, 0xfe, 0x61, 0x00]));
  assert.equal(!r.ok && r.reason, 'invalid-utf8');
  assert.match(!r.ok ? r.detail : '', /UTF-16/);
});

test('the BOM is stripped and CRLF / CR become LF, keeping the line count', () => {
  const src = '\uFEFFline1\r\nline2\r\n\r\nline4\rline5\n';
  const r = decodeSource('a.ts', bytes(src));
  assert.deepEqual(r, { ok: true, text: 'line1\nline2\n\nline4\nline5\n' });
  assert.equal(r.ok && r.text.split('\n').length, src.split(/\r\n|\r|\n/).length);
  assert.deepEqual(decodeSource('empty.ts', new Uint8Array(0)), { ok: true, text: '' });
  assert.deepEqual(decodeSource('e.ts', bytes('const s = "é 😀";')), { ok: true, text: 'const s = "é 😀";' });
});

test('firstInvalidUtf8 finds overlongs, surrogates, stray continuations and truncation', () => {
  assert.equal(firstInvalidUtf8(bytes('ok é 😀 ✓')), -1);
  assert.equal(firstInvalidUtf8(Uint8Array.from([0x61, 0xc0, 0x80])), 1); // overlong NUL
  assert.equal(firstInvalidUtf8(Uint8Array.from([0xed, 0xa0, 0x80])), 0); // UTF-16 surrogate
  assert.equal(firstInvalidUtf8(Uint8Array.from([0x61, 0x62, 0x80])), 2); // stray continuation
  assert.equal(firstInvalidUtf8(Uint8Array.from([0x61, 0xf0, 0x9f, 0x98])), 1); // truncated 4-byte sequence
  assert.equal(firstInvalidUtf8(Uint8Array.from([0xf4, 0x90, 0x80, 0x80])), 0); // above U+10FFFF
});
