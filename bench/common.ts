/** Shared helpers of the benchmark scripts (bench/*.ts, compiled to out/bench by tsc). */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RepoSpec {
  name: string;
  dir: string;
  commit: string;
  commitMinus500?: string;
}

/** bench/repos.json lists the repositories (fetched outside the project) and their pinned commits. */
export function loadRepos(reposRoot: string | undefined, names: string[]): (RepoSpec & { abs: string })[] {
  const file = path.join(__dirname, '..', '..', 'bench', 'repos.json');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as { root: string; repos: RepoSpec[] };
  const root = reposRoot ?? spec.root;
  return names.map((n) => {
    const r = spec.repos.find((x) => x.name === n || x.dir === n);
    if (!r) throw new Error(`repository ${n} is not in bench/repos.json`);
    return { ...r, abs: path.join(root, r.dir) };
  });
}

export function gitCheckout(dir: string, commit: string): void {
  execFileSync('git', ['-C', dir, 'checkout', '-q', '--force', commit], { stdio: 'pipe' });
}

export function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/**
 * The set builders' command line (`--out FILE owner/name=/path/to/clone …`): each repository's rows, in the order
 * given, written to FILE as JSON lines.
 */
export async function writeRepoRows<T>(usage: string, rowsOf: (repo: string, dir: string) => Promise<T[]>): Promise<void> {
  const outFile = arg('--out');
  const specs = process.argv.slice(2).filter((a) => a.includes('=') && !a.startsWith('--'));
  if (!outFile || !specs.length) throw new Error(`usage: ${usage}`);
  const rows: T[] = [];
  for (const s of specs) {
    const [repo, dir] = s.split('=');
    rows.push(...(await rowsOf(repo, dir)));
  }
  writeFileSync(outFile, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/** Every value of a repeatable option (`--dump a --dump b` → [a, b]). */
export function args(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => a === name && process.argv[i + 1] && out.push(process.argv[i + 1]));
  return out;
}

/** Runs `out/bench/<script>.js` in a fresh process and returns the JSON it prints last. */
export function child<T>(script: string, args: string[]): T {
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, script), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed:\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  return `${os.cpus().length}× ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

/**
 * Collects the garbage (node --expose-gc), then times `runs` more full collections of what is left: their median, in
 * ms, what marking this heap costs. Undefined when node runs without --expose-gc.
 */
export function fullCollectionMs(runs = 1): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  const ms = Array.from({ length: runs }, () => {
    const t = performance.now();
    gc();
    return performance.now() - t;
  });
  return Math.round(median(ms));
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/** CPU time (user + system, all threads of the process) since `c0`: far less sensitive to other load than wall time. */
export const cpuSince = (c0: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(c0);
  return Math.round((d.user + d.system) / 1000);
};
