import type { FaultSchedule } from '../../scenarios/lib/index.ts';
import { HarnessError, type FaultWindow, type PlatformEvent } from '../model/index.ts';
import type { TargetCapabilities } from '../model/index.ts';

export interface FaultContext {
  caps: TargetCapabilities;
  targetName: string;
  /** ms on the run clock */
  nowMs: () => number;
  event: (e: PlatformEvent) => void;
  log: (line: string) => void;
  signal: AbortSignal;
}

/**
 * A fault written against capabilities, not targets. `apply` injects it and returns the
 * window (endMs filled in later by `recover`/completion). `recover` undoes it and is
 * idempotent: the run calls it on schedule AND again at teardown, whatever happened.
 */
export interface Fault {
  readonly kind: FaultSchedule['kind'];
  /** throws HarnessError (usage) before the run starts when the target lacks the capability */
  check(caps: TargetCapabilities, targetName: string): void;
  apply(ctx: FaultContext, schedule: FaultSchedule): Promise<FaultWindow>;
  /** seconds after apply at which the run should call recover (null = fault finishes by itself) */
  recoverAfterS(ctx: FaultContext, schedule: FaultSchedule): number | null;
  recover(ctx: FaultContext, window: FaultWindow): Promise<void>;
}

export function missingCapability(fault: string, cap: string, target: string): HarnessError {
  return new HarnessError(`${fault}: target ${target} must offer the \`${cap}\` capability (got none)`, {
    code: 'usage',
    hint: 'run this scenario on local, compose or a Kubernetes target',
  });
}
