/**
 * What a capacity run measured: for each target and each replica count, an open-model load
 * in steps of growing arrival rate, and what was read from the steps. Saved in run.json as
 * `TargetRun.capacity`; `steps.csv` and the report's Capacity section read it; `capbench
 * plan` fits its models to it. Plain data: the probe (src/run) writes it, src/measure
 * computes the derived figures, nothing here touches live state.
 */

/** What kept a step from counting as the app's own capacity. */
export type StepBound =
  /** the app: the step measures what the target carried */
  | 'app'
  /** the load generator could not keep its schedule (src/measure/generator-bound.ts) */
  | 'generator'
  /** the machine's CPU was ≥ 95 % busy: generator, balancer and app shared a saturated host */
  | 'host';

/** One step: one arrival rate held for a fixed time. Times on the leg's run clock. */
export interface CapacityStep {
  /** 0-based, in the order run */
  index: number;
  /** first second of the step (t of LoadSecond), settling included */
  startS: number;
  /** first second after the step */
  endS: number;
  /** seconds at the step's start left out of every figure below (the app settling to the rate) */
  settleS: number;
  /** arrival rate the generator was asked for, requests/s */
  offeredRps: number;
  /** successful requests completed per second over the measured part */
  achievedRps: number;
  requests: number;
  failures: number;
  /** failures / requests (0 when none) */
  errorRate: number;
  /** arrivals the generator could not start (no free VU), over the measured part */
  dropped: number;
  /** from the merged histogram of the measured part; null with no successful request */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** mean CPU of one app replica over the measured part, % of a core; null = not sampled */
  cpuPercentPerReplica: number | null;
  /** p95 ≤ SLO p95 and error rate ≤ SLO error rate */
  meetsSlo: boolean;
  /** generator- or host-bound steps never count as the app's capacity */
  bound: StepBound;
  /** seconds of the measured part that were generator-bound / host-bound */
  generatorBoundS: number;
  hostBoundS: number;
}

/** Why the probe stopped climbing at this replica count. */
export type ProbeStop =
  | 'slo-broken-twice'
  | 'error-ceiling'
  | 'rate-cap'
  | 'generator-bound'
  | 'interrupted'
  | 'failed';

/** One replica count of one target: its steps and what they say. */
export interface ReplicaCapacity {
  replicas: number;
  steps: CapacityStep[];
  stoppedBy: ProbeStop;
  /**
   * highest throughput meeting the SLO, req/s: the offered rate where p95 or the error rate
   * crosses the SLO, interpolated linearly between the last passing and the first failing
   * app-bound step, taken as the throughput carried there (never above the failing step's
   * achieved rate, never below the best passing step's; src/measure/capacity.ts); null when
   * no app-bound step met the SLO
   */
  capacityAtSloRps: number | null;
  /** true when the first failing step was generator- or host-bound: the figure is a floor */
  capacityIsLowerBound: boolean;
  /** plateau of achieved throughput over app-bound steps, req/s; null when no plateau was reached */
  saturationRps: number | null;
  /** app CPU per successful request at the knee, core-milliseconds; null = CPU not sampled */
  cpuMsPerRequest: number | null;
  /** the step the knee was read at (last passing app-bound step); null = none */
  kneeStepIndex: number | null;
  /** the platform's message when scaling to this count failed */
  error?: string;
}

/** The capacity probe's result for one target (TargetRun.capacity). */
export interface TargetCapacity {
  /** seconds each step held its rate / of it discarded as settling (after time scale) */
  stepS: number;
  settleS: number;
  /** rate growth per step (e.g. 1.25) and the first step's rate, req/s */
  growth: number;
  startRps: number;
  /** the safety cap: no step above this rate, req/s */
  capRps: number;
  /** error-rate ceiling that stops the probe */
  errorCeiling: number;
  /** SLO the steps were judged by */
  slo: { p95Ms: number; errorRate: number };
  byReplicas: ReplicaCapacity[];
  /**
   * set on a `capbench plan --verify` run: one step held at a plan's predicted rate for
   * `users` at its recommended size — a check of the plan, not a probe, so `capbench plan`
   * never pools it into a fit
   */
  verifies?: { users: number; predictedRps: number };
}
