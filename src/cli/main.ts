import { pathToFileURL } from 'node:url';
import { buildProgram, type Io } from './program.ts';
import { HarnessError, ExitCode } from '../model/index.ts';
import { CommanderError } from 'commander';

/**
 * Run the CLI in-process: returns the exit code, prints through `io` only.
 * The only place that turns errors into messages and exit codes.
 */
export async function main(argv: string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return io.exitCode ?? ExitCode.ok;
  } catch (e) {
    return reportError(e, io);
  }
}

export function reportError(e: unknown, io: Io): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return ExitCode.ok;
    // commander already printed its message through io.err
    return ExitCode.usage;
  }
  if (e instanceof HarnessError) {
    io.err(`capbench: ${e.message}\n`);
    if (e.hint) io.err(`hint: ${e.hint}\n`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.err(`capbench: internal error: ${err.stack ?? err.message}\n`);
  return ExitCode.internal;
}

/** The real process: stdio, process.env, signal handlers; sets process.exitCode. */
export async function runMain(argv: string[] = process.argv.slice(2)): Promise<void> {
  const io: Io = {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
    installSignalHandlers: true,
    exitCode: undefined,
  };
  process.exitCode = await main(argv, io);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runMain();
