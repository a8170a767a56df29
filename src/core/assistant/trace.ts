/**
 * The local trace store: one JSONL file (`<dir>/traces.jsonl`), append-only. Turn records (TraceRecord,
 * types.ts) and later rating events (`{type:'rating', id, rating, timestamp}`) are lines; reading merges
 * the latest rating into its turn. A torn last line (a crash mid-write) is skipped when reading, and the
 * next append starts on a fresh line.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Rating, TraceRecord } from './types';

export const TRACE_FILE = 'traces.jsonl';

export interface RatingEvent {
  type: 'rating';
  id: string;
  rating: Rating;
  timestamp: string;
}

/** A time-ordered unique id: `t-<ms base36>-<random hex>`. */
export function newTraceId(now = Date.now()): string {
  return `t-${now.toString(36)}-${randomBytes(5).toString('hex')}`;
}

export interface TraceReadResult {
  records: TraceRecord[];
  /** Lines that were not valid JSON records (a torn last line, damage). */
  skipped: number;
}

export class TraceStore {
  readonly file: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string, fileName = TRACE_FILE) {
    this.file = path.join(dir, fileName);
  }

  /** Appends one turn record. */
  append(record: TraceRecord): Promise<void> {
    return this.write(record);
  }

  /** Records 👍/👎 for a turn (appended as an event; the latest one wins). False when the id is unknown. */
  async rateTurn(id: string, rating: Rating): Promise<boolean> {
    if (rating !== 'up' && rating !== 'down') throw new Error(`rating must be 'up' or 'down', got ${String(rating)}`);
    const { records } = await this.read();
    if (!records.some((r) => r.id === id)) return false;
    const ev: RatingEvent = { type: 'rating', id, rating, timestamp: new Date().toISOString() };
    await this.write(ev);
    return true;
  }

  /** All turn records in file order, ratings merged. */
  async read(): Promise<TraceReadResult> {
    await this.chain.catch(() => undefined);
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skipped: 0 };
      throw e;
    }
    const records: TraceRecord[] = [];
    const byId = new Map<string, TraceRecord>();
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        skipped++;
        continue;
      }
      const o = v as { type?: unknown; id?: unknown };
      if (o && o.type === 'turn' && typeof o.id === 'string') {
        const r = v as TraceRecord;
        records.push(r);
        byId.set(r.id, r);
      } else if (o && o.type === 'rating' && typeof o.id === 'string') {
        const ev = v as RatingEvent;
        const r = byId.get(ev.id);
        if (r && (ev.rating === 'up' || ev.rating === 'down')) r.rating = ev.rating;
      } else skipped++;
    }
    return { records, skipped };
  }

  async get(id: string): Promise<TraceRecord | undefined> {
    return (await this.read()).records.find((r) => r.id === id);
  }

  private write(obj: unknown): Promise<void> {
    const run = this.chain.then(() => this.appendLine(JSON.stringify(obj)));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async appendLine(line: string): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const fh = await fs.open(this.file, 'a+');
    try {
      const { size } = await fh.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n'; // a torn last line: start a fresh one
      }
      await fh.write(prefix + line + '\n');
    } finally {
      await fh.close();
    }
  }
}

/** Convenience for callers holding only the directory. */
export function rateTurn(dir: string, id: string, rating: Rating): Promise<boolean> {
  return new TraceStore(dir).rateTurn(id, rating);
}
