/** A failure the CLI reports as one line on stderr with exit code 1 (usage errors exit 2). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
  }
}

export function usage(message: string): CliError {
  return new CliError(message, 2);
}
