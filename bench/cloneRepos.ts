/**
 * bench/cloneRepos: checks out the repositories of bench/repos.json at their pinned commits, so that every benchmark
 * can be rerun on a new machine.
 *   node out/bench/cloneRepos.js --root DIR [--list repos|train|rankTrain|trainMore] [--set NAME] [--mirror DIR] [owner/name …]
 * `--list` picks one of the file's lists: `repos` (the default: the eval and held-out repositories), `train` (the
 * word table's), `rankTrain` (the ranking models' extra training queries) or `trainMore` (session 35's extra word-table
 * repositories). `--set` keeps the `repos` entries of one eval set (`swebench_verified`, `docstring2func`,
 * `heldout-docstring`, `heldout-docstring-devlangs`); names keep those
 * repositories. Each goes to DIR/<owner>__<name> (or its `dir`), a `git clone --no-checkout` of
 * `<mirror>/<owner>+<name>/repo` when that exists (a fetched snapshot), else of https://github.com/<upstream or owner/name>,
 * then a forced checkout of its commit. A clone already there is only checked out. Prints one line per repository and
 * exits 1 if any failed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { arg } from './common';

interface Entry { fetch: string; upstream?: string; dir?: string; commit: string; evalSets?: string[] }

function git(args: string[]): void {
  execFileSync('git', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function main(): void {
  const root = arg('--root');
  const list = arg('--list', 'repos')!;
  const set = arg('--set');
  const mirror = arg('--mirror', '/work/.mirror')!;
  if (!root) throw new Error('usage: cloneRepos.js --root DIR [--list repos|train|rankTrain|trainMore] [--set NAME] [--mirror DIR] [owner/name …]');
  const spec = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'bench', 'repos.json'), 'utf8')) as Record<string, unknown>;
  const raw = spec[list];
  const entries = (Array.isArray(raw) ? raw : (raw as { repos?: unknown } | undefined)?.repos) as Entry[] | undefined;
  if (!entries) throw new Error(`--list: bench/repos.json has no list "${list}"`);
  const names = process.argv.slice(2).filter((a, i, all) => a.includes('/') && !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  const chosen = entries.filter((e) => (!set || e.evalSets?.includes(set)) && (!names.length || names.includes(e.fetch)));
  if (!chosen.length) throw new Error('no repository of bench/repos.json matches');
  mkdirSync(root, { recursive: true });
  let failed = 0;
  for (const e of chosen) {
    const dir = path.join(root, e.dir ?? e.fetch.replace('/', '__'));
    try {
      if (!existsSync(dir)) {
        const snapshot = path.join(mirror, e.fetch.replace('/', '+'), 'repo');
        git(['clone', '-q', '--no-checkout', existsSync(snapshot) ? snapshot : `https://github.com/${e.upstream ?? e.fetch}.git`, dir]);
        git(['-C', dir, 'config', 'gc.auto', '0']);
      }
      // --force: a snapshot may lack a few of its largest files; the checkout still places every other file.
      try {
        git(['-C', dir, '-c', 'advice.detachedHead=false', 'checkout', '-q', '--force', e.commit]);
      } catch (err) {
        const head = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
        if (head !== e.commit) throw err;
      }
      process.stdout.write(`${e.fetch}  ${e.commit.slice(0, 10)}  ${dir}\n`);
    } catch (err) {
      failed++;
      process.stdout.write(`${e.fetch}  FAILED: ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim().split('\n')[0]}\n`);
    }
  }
  if (failed) {
    process.stderr.write(`${failed} of ${chosen.length} repositories failed\n`);
    process.exit(1);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    process.stderr.write(`cloneRepos: ${(e as Error).message}\n`);
    process.exit(2);
  }
}
