import { Interrupt } from '../run/interrupt.ts';
import type { Io } from './program.ts';

/**
 * SIGINT/SIGTERM during `capbench run`: the first stops the load gracefully (faults
 * recovered, targets torn down, the partial run saved), the second makes the rest of the
 * teardown fast (nodes are still restored). Returns the function that removes the handlers.
 */
export function installSignals(interrupt: Interrupt, err: (s: string) => void): () => void {
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupt.interrupted) {
      err(`\ncapbench: ${sig} again — faster teardown (nodes are still restored)\n`);
    } else {
      err(`\ncapbench: ${sig} — stopping load, recovering faults, tearing down, saving the partial run (again for a faster teardown)\n`);
    }
    interrupt.trigger(`interrupted by ${sig}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/**
 * Run `fn` with the interrupt a run obeys (io's, else a new one) and, for the real CLI, Ctrl-C
 * wired to it until `fn` settles — what `capbench run` and `capbench plan --verify` share.
 */
export async function withInterrupt<T>(io: Io, fn: (interrupt: Interrupt) => Promise<T>): Promise<T> {
  const interrupt = io.interrupt ?? new Interrupt();
  const detach = io.installSignalHandlers ? installSignals(interrupt, io.err) : () => {};
  try {
    return await fn(interrupt);
  } finally {
    detach();
  }
}

/** The test seams of `run` that io may carry (targets, time source), as run options. */
export function runSeams(io: Io): { createTarget?: NonNullable<Io['createTarget']>; time?: NonNullable<Io['time']> } {
  return { ...(io.createTarget ? { createTarget: io.createTarget } : {}), ...(io.time ? { time: io.time } : {}) };
}
