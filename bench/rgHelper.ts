/**
 * Runs rg for bench/evalLatency in a process of its own. The measured process must not fork: after a fork every
 * page it writes takes a copy-on-write fault (600–1,100 per query at 105k chunks, ~12 ms on the recorded host),
 * a cost of the harness, not of the query. Message in: `{ args, cwd }`; reply: `{ ms, status, error? }`.
 */
import { spawnSync } from 'node:child_process';

process.on('message', (m: { args: string[]; cwd: string }) => {
  const t = performance.now();
  const run = spawnSync('rg', m.args, { cwd: m.cwd, stdio: 'ignore' });
  process.send!({ ms: performance.now() - t, status: run.status, error: run.error?.message });
});
process.on('disconnect', () => process.exit(0));
