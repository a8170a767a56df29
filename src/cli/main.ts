import { Command, CommanderError } from 'commander';
import { CliError } from './errors';
import * as chunks from './commands/chunks';
import * as scan from './commands/scan';
import * as index from './commands/index';
import * as status from './commands/status';
import * as search from './commands/search';
import * as ask from './commands/ask';
import * as evalCmd from './commands/eval';
import * as finetune from './commands/finetune';

/** The command table: each module registers one command. */
const COMMANDS: { register(program: Command): void }[] = [chunks, scan, index, status, search, ask, evalCmd, finetune];

export function buildProgram(): Command {
  const program = new Command('pinpoint')
    .description('Pinpoint: a local, always-fresh code index and a code-aware assistant whose citations are checked.')
    .version(process.env.PINPOINT_VERSION ?? '0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const c of COMMANDS) c.register(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Exit codes: 0 ok, 2 usage error, 1 failure with a one-line message on stderr. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2; // commander already printed the usage message
    }
    if (e instanceof CliError) {
      process.stderr.write(`pinpoint: ${e.message}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    process.stderr.write(`pinpoint: ${err.message ?? String(e)}\n`);
    if (process.env.PINPOINT_DEBUG) process.stderr.write((err.stack ?? '') + '\n');
    return 1;
  }
}

if (require.main === module) {
  // `pinpoint … | head` closes stdout early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
