/**
 * What a saved run is: `reports/<run-id>/run.json` plus per-target NDJSON series.
 * The report reads only these; nothing here touches live state.
 */
import type { FaultWindow } from './timeline.ts';
import type { TargetCapacity } from './capacity.ts';

export const RUN_SCHEMA_VERSION = 1;

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
}

export interface RunRecord {
  schema: typeof RUN_SCHEMA_VERSION;
  runId: string;
  scenario: string;
  variant: 'full' | 'quick';
  /** load model that ran: closed (ramping VUs) or open (arrival rate) */
  model: 'closed' | 'open';
  driver: 'builtin' | 'k6';
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
}
