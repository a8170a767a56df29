/** readWorkspace: reads ahead of the consumer, yet yields in walk order, within its file and byte bounds. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DirEntry, FileStat, Host } from '../../../src/core/host';
import { readWorkspace, READ_AHEAD_BYTES, READ_AHEAD_FILES } from '../../../src/core/scan';
import type { WalkedFile } from '../../../src/core/workspace/walk';

/** A host whose reads finish out of order after a pseudo-random delay; counts reads in flight. */
class SlowHost implements Host {
  readonly root = '/nowhere';
  inFlight = 0;
  maxInFlight = 0;
  inFlightBytes = 0;
  maxInFlightBytes = 0;
  started: string[] = [];
  constructor(private readonly sizes: Map<string, number>, private readonly fail = new Set<string>()) {}
  async readFile(rel: string): Promise<Uint8Array> {
    const size = this.sizes.get(rel) ?? 0;
    this.started.push(rel);
    this.inFlight++;
    this.inFlightBytes += size;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.maxInFlightBytes = Math.max(this.maxInFlightBytes, this.inFlightBytes);
    const delay = (rel.length * 7 + this.started.length * 13) % 5;
    await new Promise((r) => setTimeout(r, delay));
    this.inFlight--;
    this.inFlightBytes -= size;
    if (this.fail.has(rel)) throw new Error('EACCES: permission denied');
    return new TextEncoder().encode(`// ${rel}\n`);
  }
  async stat(): Promise<FileStat | undefined> {
    return undefined;
  }
  async readDir(): Promise<DirEntry[]> {
    return [];
  }
}

const walked = (n: number, size: (i: number) => number): WalkedFile[] =>
  Array.from({ length: n }, (_, i) => ({ path: `src/f${String(i).padStart(3, '0')}.ts`, size: size(i), mtimeMs: 0 }));

test('yields every file in walk order although reads finish out of order', async () => {
  const files = walked(100, () => 10);
  const host = new SlowHost(new Map(files.map((f) => [f.path, f.size])), new Set(['src/f007.ts']));
  const seen: string[] = [];
  for await (const r of readWorkspace(host, files)) {
    seen.push(r.file.path);
    if (r.file.path === 'src/f007.ts') assert.equal(r.skipped?.reason, 'unreadable');
    else assert.equal(r.text, `// ${r.file.path}\n`);
    await new Promise((res) => setTimeout(res, 0)); // a consumer that takes a while
  }
  assert.deepEqual(seen, files.map((f) => f.path));
  assert.ok(host.maxInFlight > 1, 'reads overlap the consumer');
  assert.ok(host.maxInFlight <= READ_AHEAD_FILES, `at most ${READ_AHEAD_FILES} reads in flight (saw ${host.maxInFlight})`);
});

test('large files bound the bytes in flight; a single file larger than the bound is still read', async () => {
  const big = READ_AHEAD_BYTES / 4 + 1;
  const files = walked(12, (i) => (i === 5 ? READ_AHEAD_BYTES * 2 : big));
  const host = new SlowHost(new Map(files.map((f) => [f.path, f.size])));
  let n = 0;
  for await (const r of readWorkspace(host, files)) {
    assert.equal(r.file.path, files[n++].path);
    assert.ok(r.text);
  }
  assert.equal(n, files.length);
  assert.ok(host.maxInFlightBytes <= READ_AHEAD_BYTES * 2, `bytes in flight bounded (saw ${host.maxInFlightBytes})`);
  assert.ok(host.maxInFlight <= 4, `few big files at once (saw ${host.maxInFlight})`);
});

test('an empty file list yields nothing', async () => {
  const host = new SlowHost(new Map());
  for await (const _ of readWorkspace(host, [])) assert.fail('nothing to read');
  assert.equal(host.started.length, 0);
});
