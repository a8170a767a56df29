import { InvalidArgumentError } from 'commander';

/** Output helpers shared by the CLI commands. JSON goes to stdout; progress and human text to stderr/stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printLine(line = ''): void {
  process.stdout.write(line + '\n');
}

/** Progress on stderr, only when stderr is a terminal (keeps pipes and CI logs clean). */
export function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K' + text);
}

export function endProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function parseIntOption(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${value}"`);
    return n;
  };
}
