import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CHUNK_BASE_FEATURES, DEFAULT_WEIGHTS, FILE_FEATURES } from '../../../src/core/search/model';
import { tempDir } from '../../helpers/workspace';

/** A seeded generator, so that the dump is the same on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A dump of three repositories where lexMax marks the gold file and nameParts the gold chunk, with noise. */
function writeDump(file: string): void {
  const rand = random(7);
  const lines: string[] = [];
  for (const repo of ['acme/a', 'acme/b', 'acme/c'])
    for (let q = 0; q < 6; q++) {
      const gold = Math.floor(rand() * 5);
      const files = Array.from({ length: 5 }, (_, f) => ({
        path: `f${f}.py`,
        y: f === gold ? 1 : 0,
        x: FILE_FEATURES.map((n) => (n === 'lexMax' ? (f === gold ? 0.6 : 0.3) + 0.5 * rand() : n === 'vecMax' ? rand() : 0)),
      }));
      const chunks = files.flatMap((f, fi) =>
        [0, 1].map((c) => {
          const isGold = fi === gold && c === 1;
          return { path: f.path, id: `${f.path}#${c}`, spans: isGold ? [`${f.path}#fn${c}`] : [], x: CHUNK_BASE_FEATURES.map((n) => (n === 'nameParts' ? (isGold ? 0.5 : 0.2) + 0.5 * rand() : n === 'lexS' ? rand() : 0)) };
        }),
      );
      const row = { id: `${repo}@${q}`, set: 'docstring', repo, query: `parse the settings file ${q}`, goldFiles: [`f${gold}.py`], goldSpans: [`f${gold}.py#fn1`], fileNames: FILE_FEATURES, chunkNames: CHUNK_BASE_FEATURES, files, chunks };
      lines.push(JSON.stringify(row));
    }
  writeFileSync(file, lines.join('\n') + '\n');
}

test('fit.ts: folds fitted in worker threads give the same cross-validation and weights as one thread', () => {
  const dump = path.join(tempDir('fit-jobs'), 'dump.jsonl');
  writeDump(dump);
  const fitJs = path.join(__dirname, '..', '..', '..', 'bench', 'fit.js');
  const run = (jobs: number) => execFileSync(process.execPath, [fitJs, '--dump', dump, '--l2', '0.003', '--l2', '0.03', '--iters', '30', '--trees', '2', '--jobs', String(jobs)], { encoding: 'utf8' });
  const one = run(1);
  const two = run(2);
  assert.match(one, /\(1 thread\(s\)\)/);
  assert.match(two, /\(2 thread\(s\)\)/);
  // Everything but the line with the time taken is the same.
  const results = (out: string) => out.split('\n').filter((l) => !l.startsWith('cross-validated'));
  assert.deepEqual(results(two), results(one));
  // And the fit learned something: both objectives printed, and the informative features weigh in positively.
  assert.equal(one.match(/^l2=\S+ {2}objective \d/gm)?.length, 2);
  const [file, chunk] = one.trim().split('\n').slice(-2).map((l) => JSON.parse(l) as Record<string, number>);
  assert.ok(file.lexMax > 0, `lexMax ${file.lexMax}`);
  assert.ok(chunk.nameParts > 0, `nameParts ${chunk.nameParts}`);
});

test('fit.ts --no-cv: the same final models as a cross-validated fit at that L2, written where --out says', () => {
  const dir = tempDir('fit-nocv');
  const dump = path.join(dir, 'dump.jsonl');
  writeDump(dump);
  const fitJs = path.join(__dirname, '..', '..', '..', 'bench', 'fit.js');
  const run = (...extra: string[]) => execFileSync(process.execPath, [fitJs, '--dump', dump, '--l2', '0.003', '--iters', '30', '--trees', '2', '--jobs', '1', ...extra], { encoding: 'utf8' });
  const cvOut = run('--out', path.join(dir, 'cv.json'));
  const noCvOut = run('--no-cv', '--out', path.join(dir, 'nocv.json'));
  assert.match(cvOut, /^cross-validated 1 L2/m);
  assert.doesNotMatch(noCvOut, /cross-validated|objective/);
  const read = (f: string) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown> & { cv: { method: string } };
  const cv = read('cv.json');
  const noCv = read('nocv.json');
  assert.equal(cv.cv.method, 'leave-one-repository-out');
  assert.match(noCv.cv.method, /^none/);
  for (const key of ['file', 'chunk', 'short', 'question'] as const) assert.deepEqual(noCv[key], cv[key], key);
  assert.ok(cv.short, 'the docstring rows are short queries: a short model was fitted');
  // One L2 only: with no cross-validation there is nothing to choose it by.
  assert.throws(() => execFileSync(process.execPath, [fitJs, '--dump', dump, '--l2', '0.003', '--l2', '0.03', '--no-cv'], { encoding: 'utf8', stdio: 'pipe' }), /--no-cv: give the one L2/);
});

test('fit.ts --masked-names: the set\'s rows train without the name-mention features, so a masked name teaches nothing', () => {
  const dir = tempDir('fit-masked');
  const dump = path.join(dir, 'dump.jsonl');
  writeDump(dump);
  // Each query names one definition, never its gold: as in docstring pairs, whose own name is masked.
  const at = CHUNK_BASE_FEATURES.indexOf('nameExact');
  const rows = readFileSync(dump, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { chunks: { spans: string[]; x: number[] }[] });
  for (const r of rows) r.chunks.find((c) => !c.spans.length)!.x[at] = 1;
  writeFileSync(dump, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const fitJs = path.join(__dirname, '..', '..', '..', 'bench', 'fit.js');
  const fitted = (...extra: string[]) => {
    const out = path.join(dir, `${extra.length}.json`);
    execFileSync(process.execPath, [fitJs, '--dump', dump, '--l2', '0.003', '--iters', '60', '--jobs', '1', '--no-cv', '--out', out, ...extra], { encoding: 'utf8' });
    return (JSON.parse(readFileSync(out, 'utf8')) as { short: { chunk: { weights: Record<string, number> } } }).short.chunk.weights;
  };
  assert.ok(fitted().nameExact < 0, 'fitted on the rows as they are, a named definition is learned to be a wrong one');
  // Masked: the feature is zero throughout the training rows, so it keeps its prior weight (the default model's).
  assert.equal(fitted('--masked-names', 'docstring').nameExact, DEFAULT_WEIGHTS.chunk.weights.nameExact ?? 0);
});
