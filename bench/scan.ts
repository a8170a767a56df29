/**
 * bench/scan: `pinpoint scan` against its physical floor — walk + read + decode + bare tree-sitter parse of the
 * same files — and against the parse alone, on real repositories.
 *   node out/bench/scan.js [--repos /work/repos] [--runs 3] [repo names…]   (default: django vscode-copilot-chat)
 * Each measurement runs in a fresh process; modes alternate; the median of --runs is reported.
 * Prints a Markdown table for bench/RESULTS.md and writes the raw numbers to bench/results/scan.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { arg, child, gitCheckout, loadRepos, machine, median } from './common';

interface ScanOut { files: number; chunks: number; skipped: number; byLanguage: Record<string, { files: number; chunks: number }>; ms: number; cpuMs: number; rssMb: number }
/** `ms`: the floor (walk + read + decode + parse); `parseMs`: the parse calls alone, in the same run. */
interface ParseOut { parsed: number; ms: number; cpuMs: number; parseMs: number; walkMs: number; rssMb: number }

function main() {
  const runs = Number(arg('--runs', '3'));
  const load0 = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const names = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  const repos = loadRepos(arg('--repos'), names.length ? names : ['django', 'vscode-copilot-chat']);
  const rows: string[] = [];
  const raw: unknown[] = [];
  for (const repo of repos) {
    gitCheckout(repo.abs, repo.commit);
    const scans: ScanOut[] = [];
    const parses: ParseOut[] = [];
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 0) {
        scans.push(child<ScanOut>('scanWorker.js', ['scan', repo.abs]));
        parses.push(child<ParseOut>('scanWorker.js', ['parse', repo.abs]));
      } else {
        parses.push(child<ParseOut>('scanWorker.js', ['parse', repo.abs]));
        scans.push(child<ScanOut>('scanWorker.js', ['scan', repo.abs]));
      }
    }
    const s = scans[0];
    const scanMs = median(scans.map((x) => x.ms));
    const floorMs = median(parses.map((x) => x.ms));
    const parseMs = median(parses.map((x) => x.parseMs));
    const walkMs = median(parses.map((x) => x.walkMs));
    const scanCpu = median(scans.map((x) => x.cpuMs));
    const floorCpu = median(parses.map((x) => x.cpuMs));
    const langs = Object.entries(s.byLanguage).sort((a, b) => b[1].chunks - a[1].chunks).slice(0, 6).map(([l, v]) => `${l} ${v.files}/${v.chunks}`).join(', ');
    rows.push(`| ${repo.name} @ ${repo.commit.slice(0, 10)} | ${s.files} | ${s.chunks} | ${langs} | ${s.skipped} | ${scanMs} | ${floorMs} | ${walkMs} | ${parseMs} | ${(scanMs / floorMs).toFixed(2)}× | ${(scanMs / parseMs).toFixed(2)}× | ${scanCpu} | ${floorCpu} | ${(scanCpu / floorCpu).toFixed(2)}× | ${median(scans.map((x) => x.rssMb))} | ${median(parses.map((x) => x.rssMb))} |`);
    raw.push({ repo: repo.name, commit: repo.commit, scans, parses });
    process.stderr.write(`${repo.name}: scan ${scanMs} ms, floor ${floorMs} ms (walk ${walkMs}), parse only ${parseMs} ms; scans ${scans.map((x) => x.ms).join('/')}, floors ${parses.map((x) => x.ms).join('/')}; CPU scan ${scanCpu} floor ${floorCpu}\n`);
  }
  const out = [
    `Machine: ${machine()}. Load average at start: ${load0}, at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}. Date: ${new Date().toISOString().slice(0, 10)}. Runs: ${runs} per mode, median.`,
    '',
    'floor = walk + read + decode + tree-sitter parse of the same files (what any scan must do); walk ms is its walk share; parse only = the parse calls alone in the floor run. CPU ms = process CPU time (all threads) of the same region, which other load on the machine disturbs much less than wall time.',
    '',
    '| repository | files | chunks | language files/chunks (top 6) | skipped | scan ms | floor ms | walk ms | parse only ms | scan / floor | scan / parse only | scan CPU ms | floor CPU ms | CPU scan / floor | scan peak RSS MB | floor peak RSS MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  const dir = path.join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'scan.json'), JSON.stringify({ machine: machine(), date: new Date().toISOString(), raw }, null, 2));
  console.log(out);
}

main();
