import { HarnessError } from '../model/index.ts';

/**
 * Checks a replica count asked of `ReplicasCapability.scale` before anything changes:
 * an integer 1..max, else HarnessError (usage) naming the value and the limit.
 */
export function checkReplicaCount(target: string, n: number, max: number): void {
  if (Number.isInteger(n) && n >= 1 && n <= max) return;
  throw new HarnessError(`${target}: replicas must be an integer 1..${max} (got ${n})`, {
    code: 'usage',
    hint: `the ${target} target runs 1 to ${max} replicas; ask for a count in that range`,
  });
}

/**
 * Runs scale requests one at a time, in call order: a second `scale(n)` waits for the first
 * to settle (resolved or rejected), so two callers never interleave starting and stopping
 * replicas.
 */
export class OneAtATime {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.last.then(fn, fn);
    this.last = p.catch(() => undefined);
    return p;
  }
}
