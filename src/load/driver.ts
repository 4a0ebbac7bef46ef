import type { Profile } from '../../scenarios/lib/index.ts';
import type { LoadSecond } from '../model/index.ts';
import type { Clock } from '../model/clock.ts';

export type DriverName = 'builtin' | 'k6';

export interface LoadRunOptions {
  profile: Profile;
  model: 'closed' | 'open';
  /** loopback URL of the target, no trailing slash */
  baseUrl: string;
  /** the run's clock; t=0 is load start, set by the driver via clock.start() when load begins */
  clock: Clock;
  /** aborting stops the load gracefully; what was measured is kept */
  signal: AbortSignal;
  /** every finished second, in order, without holes */
  onSecond: (s: LoadSecond) => void;
  /** one progress line now and then (the CLI prints it) */
  onProgress: (line: string) => void;
  /** directory for driver-specific raw output (k6 NDJSON, summary) */
  outDir: string;
  /** factor the profile was scaled by with scaleTime (1 = as written); k6 rebuilds the profile from it */
  timeScale?: number;
}

export interface LoadRunResult {
  /** seconds of load actually run */
  durationS: number;
  interrupted: boolean;
  /** driver's own summary and version, recorded beside the timeline */
  summary: Record<string, unknown>;
  warnings: string[];
}

/**
 * A LoadDriver produces per-second measurements for one scenario against one URL.
 * `run` blocks until the load ends (profile done or signal aborted); it never throws for
 * request failures — those are measurements. It throws HarnessError when it cannot run.
 */
export interface LoadDriver {
  readonly name: DriverName;
  /** version string of the engine (builtin: harness version; k6: `k6 v1.3.0 …`) */
  version(): Promise<string>;
  /** Warm the target up with light load; nothing is recorded. */
  warmUp(opts: { profile: Profile; baseUrl: string; signal: AbortSignal }): Promise<void>;
  run(opts: LoadRunOptions): Promise<LoadRunResult>;
}
