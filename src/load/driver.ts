import type { LoadSecond, StartSecond } from '../model/index.ts';
import type { Clock } from '../model/clock.ts';
import type { LoadPlan } from '../scenario/load-profile.ts';
import type { GeneratorHealthFeed } from './generator-health.ts';

export type DriverName = 'builtin' | 'k6';

export interface LoadRunOptions {
  /** what to run: scenario, variant, model, time scale, SLO and the profile they give */
  plan: LoadPlan;
  /** loopback URL of the target, no trailing slash */
  baseUrl: string;
  /** the run's clock; t=0 is load start, set by the driver via clock.start() when load begins */
  clock: Clock;
  /** aborting stops the load gracefully; what was measured is kept */
  signal: AbortSignal;
  /** every finished second, in order, without holes (by completion: throughput, latency, progress) */
  onSecond: (s: LoadSecond) => void;
  /**
   * every start second (what users who arrived then got: availability), in order, without
   * holes, each once every request started in it has completed or timed out — about one
   * request timeout after it ends, the last ones when `run` returns. Optional: a driver
   * given none records no start seconds.
   */
  onStartSecond?: (s: StartSecond) => void;
  /**
   * called once, with the start (ms on `clock`) of the first request recorded: where the
   * load's schedule began. Optional. k6 begins its schedule after initialising its VUs, up
   * to seconds after t=0 (its spawn); the capacity probe aligns its steps on this.
   */
  onFirstRequest?: (startMs: number) => void;
  /** directory for driver-specific raw output (k6 NDJSON, summary) */
  outDir: string;
  /** the generator-health sampler to tell about in-flight requests or the k6 pid (optional) */
  health?: GeneratorHealthFeed;
}

export interface WarmUpOptions {
  plan: LoadPlan;
  baseUrl: string;
  signal: AbortSignal;
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
  warmUp(opts: WarmUpOptions): Promise<void>;
  run(opts: LoadRunOptions): Promise<LoadRunResult>;
}
