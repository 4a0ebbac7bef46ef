import type { Interrupt } from '../run/interrupt.ts';

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
