import type { FaultSchedule } from '../../scenarios/lib/index.ts';
import { HarnessError, type FaultWindow, type PlatformEvent } from '../model/index.ts';
import type { TargetCapabilities } from '../model/index.ts';

export type FaultKind = FaultSchedule['kind'];

/**
 * What a fault tells the person watching the run (the CLI prints `summary`); the timeline
 * gets PlatformEvents instead. `applied`: injected; `ended`: recovered or finished by itself;
 * `failed`: it could not be injected, or did not finish.
 */
export type FaultNotice =
  | { kind: 'applied'; fault: FaultKind; subject: string; atMs: number; summary: string }
  | { kind: 'ended'; fault: FaultKind; subject: string; atMs: number; summary: string }
  | { kind: 'failed'; fault: FaultKind; subject: string | null; atMs: number; summary: string };

export interface FaultContext {
  caps: TargetCapabilities;
  targetName: string;
  /** ms on the run clock */
  nowMs: () => number;
  /** a platform event for the timeline (events.ndjson) */
  event: (e: PlatformEvent) => void;
  /** progress for the person watching */
  notify: (n: FaultNotice) => void;
  /** aborted when the scheduler stops (load ended, Ctrl-C): background waits end */
  signal: AbortSignal;
}

/**
 * A fault written against capabilities, not targets. The scheduler (scheduler.ts) calls
 * `apply` on the run clock, `recover` after `recoverAfterS` AND again at teardown whatever
 * happened — so `recover` must be idempotent.
 */
export interface Fault {
  readonly kind: FaultKind;
  /** Before the run starts: throws HarnessError (usage) when the target lacks the capability. */
  check(caps: TargetCapabilities, targetName: string): void;
  /** Inject it; returns the window (endMs filled in later by `recover` or completion). May block while injecting. */
  apply(ctx: FaultContext, schedule: FaultSchedule): Promise<FaultWindow>;
  /** seconds after apply at which the scheduler calls recover (null = the fault finishes by itself) */
  recoverAfterS(ctx: FaultContext, schedule: FaultSchedule): number | null;
  /** Undo it. Idempotent; called on schedule and again at teardown. */
  recover(ctx: FaultContext, window: FaultWindow): Promise<void>;
  /** Notes for the report, known before it fires (e.g. how long a crashed host stays down). Pure. */
  notesBefore(caps: TargetCapabilities): string[];
  /** Notes for the report after teardown (e.g. whether a crashed node was restored). Pure. */
  notesAfter(window: FaultWindow): string[];
}

export function missingCapability(fault: string, cap: string, target: string): HarnessError {
  return new HarnessError(`${fault}: target ${target} must offer the \`${cap}\` capability (got none)`, {
    code: 'usage',
    hint: 'run this scenario on local, compose or a Kubernetes target',
  });
}
