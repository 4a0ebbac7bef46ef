import { HarnessError } from '../model/index.ts';

/** Tells whether the harness of a run is still alive (the store's run lease); injected by the CLI. */
export type RunIsAlive = (runId: string) => boolean;

/**
 * The injected liveness, or a HarnessError (internal): without it a target cannot tell a
 * live run's objects from a leftover, and must neither report nor remove any.
 */
export function needLiveness(target: string, runIsAlive: RunIsAlive | undefined): RunIsAlive {
  if (runIsAlive !== undefined) return runIsAlive;
  throw new HarnessError(`${target}: leftovers and cleanup need runIsAlive in the target options (got none)`, {
    code: 'internal',
    hint: 'pass runIsAlive (src/store/run-lease.ts) when constructing the target, as src/cli does',
  });
}
