/**
 * What a saved run is: `reports/<run-id>/run.json` plus per-target NDJSON series.
 * The report reads only these; nothing here touches live state.
 */
import type { FaultWindow } from './timeline.ts';
import type { TargetCapacity } from './capacity.ts';

export const RUN_SCHEMA_VERSION = 1;

/** `--repeat` at most: 20 runs of each target already give a 95 % interval of x(6)…x(15). */
export const MAX_REPEAT = 20;

export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';
export type TargetRunStatus = 'completed' | 'interrupted' | 'failed' | 'skipped';

/** Figures of one window of one target, from merged histograms. */
export interface WindowFigures {
  name: string;
  startS: number;
  endS: number;
  requests: number;
  failures: number;
  /** failures / requests (0 when no request) */
  errorRate: number;
  /** successful requests completed per second over the window */
  throughputRps: number;
  avgMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface FaultFigures {
  window: FaultWindow;
  /** requests that failed between injection and recovery/finish */
  failedRequests: number;
  requests: number;
  /**
   * share of failures among the requests that started inside the window (availability
   * basis); null = none started. This and the degraded seconds inside the window (error rate
   * over the SLO's, and their longest run) are absent in figures saved before they existed.
   */
  errorRate?: number | null;
  degradedS?: number;
  longestDegradedS?: number;
  /** seconds, from injection, until the first 10 s stretch meeting the SLO; null = never */
  timeToRecoverS: number | null;
  /** seconds from injection until ready replicas = desired again; null = never / unknown */
  capacityBackS: number | null;
  /** rolling update: trigger → all replicas updated and available, seconds; null = not finished */
  rolloutDurationS: number | null;
}

export type AvailabilityBasis = 'start-second' | 'completion-second';

/** Every figure the report and the verdict use, computed once by src/measure. */
export interface TargetFigures {
  windows: WindowFigures[];
  overall: WindowFigures;
  /**
   * seconds in which fewer than half of the requests started then succeeded (or, with none
   * started, users waited through it for requests that then failed); see availabilityBasis
   */
  downtimeS: number;
  longestOutageS: number;
  /**
   * seconds whose error rate exceeded the SLO's (a partial outage; downtime counts only
   * under-half-succeeded seconds), judged like downtime; and the longest unbroken run of them.
   * Absent in figures saved to run.json before they existed.
   */
  degradedS?: number;
  longestDegradedS?: number;
  /**
   * what downtime, longest outage and time to recover were judged by: `start-second` (DESIGN.md),
   * or `completion-second` for a run saved before start seconds were recorded (an outage in
   * which the app stops answering then reads longer, by up to one request timeout)
   */
  availabilityBasis: AvailabilityBasis;
  /** spike start → first increase of desired replicas, seconds; null = no increase */
  scaleUpReactionS: number | null;
  /** spike start → peak ready replicas, seconds */
  timeToPeakReadyS: number | null;
  peakReadyReplicas: number | null;
  minReadyReplicas: number | null;
  peakDesiredReplicas: number | null;
  faults: FaultFigures[];
}

export interface TargetRun {
  /** target name as the user gave it: local, compose, local-k8s, kind, … */
  name: string;
  kind: 'local' | 'compose' | 'kubernetes';
  status: TargetRunStatus;
  /**
   * How the target got into the run: named in `--target` (`name`) or tried by `--target auto`
   * (`auto`). Absent in runs saved before this field; the report reads a skipped target
   * without it as `auto` (then it is "not available here", not a failed target).
   */
  requestedBy?: 'name' | 'auto';
  /** why it failed or was skipped */
  error?: string;
  baseUrl?: string;
  /** replicas at start, app version, CPU limit per replica, … as the target describes itself */
  description: Record<string, string | number>;
  versions: Record<string, string>;
  /** ms-since-load-start of load start/end on this target */
  loadStartedAt?: string;
  durationS?: number;
  faults: FaultWindow[];
  figures?: TargetFigures;
  /** a capacity run's steps and figures per replica count (scenario `capacity` only) */
  capacity?: TargetCapacity;
  /** e.g. the reboot time used for a Compose host crash */
  notes: string[];
  /**
   * Which repetition of this target this leg was (0 = the first); absent in single runs and
   * in runs saved before `--repeat` existed (read as 0).
   */
  repetition?: number;
  /** the leg's key: its series live in targets/<leg>/; absent = `name` (single runs, older runs) */
  leg?: string;
}

/** Where a target run's series live under targets/: its leg key, or its name for single runs. */
export function legKeyOf(t: Pick<TargetRun, 'name' | 'leg'>): string {
  return t.leg ?? t.name;
}

/**
 * One figure over a target's repetitions: median [lower, upper] (n). The interval is the
 * order-statistic interval of the median (src/measure/stats/median-interval.ts) with the
 * coverage it achieves; with one value there is none (`single-run`).
 */
export interface FigureSummary {
  /** repetitions with a value */
  n: number;
  /** repetitions without one (never recovered, no request completed, …) */
  missing: number;
  median: number | null;
  lower: number | null;
  upper: number | null;
  /** achieved coverage of [lower, upper]; null without an interval */
  coverage: number | null;
  method: 'order-statistic' | 'single-run';
  /** the value of each repetition, in repetition order (null = none) */
  values: Array<number | null>;
}

/** Every figure of one target over its repetitions (run.json `aggregates`). */
export interface TargetAggregate {
  target: string;
  kind: TargetRun['kind'];
  /** repetitions that produced figures */
  repetitions: number;
  /** which interval, in words (`order-statistic interval of the median, achieved coverage …`) */
  interval: string;
  /** by figure path: `overall.p95Ms`, `windows.spike.p95Ms`, `downtimeS`, `faults.node-crash.timeToRecoverS`, … */
  figures: Record<string, FigureSummary>;
}

export interface RunRecord {
  schema: typeof RUN_SCHEMA_VERSION;
  runId: string;
  scenario: string;
  variant: 'full' | 'quick';
  /** load model that ran: closed (ramping VUs) or open (arrival rate) */
  model: 'closed' | 'open';
  driver: 'builtin' | 'k6';
  /**
   * how users held connections: each VU one keep-alive connection (`per-vu`) or a new one per
   * iteration (`per-iteration`). Absent in runs saved before this field: they ran per-vu.
   */
  connections?: 'per-vu' | 'per-iteration';
  /** time scale applied to the profile (1 = as written) */
  timeScale: number;
  /** the profile as it ran (after scaling) */
  profile: unknown;
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  /** why the run ended early */
  reason?: string;
  machine: { cores: number; memoryMB: number; cpuModel: string; os: string; hostname: string };
  versions: Record<string, string>;
  targets: TargetRun[];
  /** the exact command line */
  command: string[];
  /** `--repeat`: runs of every target (absent = 1, runs saved before it existed) */
  repeat?: number;
  /** per target, every figure as median [interval] (n) over its repetitions; written at the end */
  aggregates?: TargetAggregate[];
}
