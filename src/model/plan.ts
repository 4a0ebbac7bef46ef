/**
 * The capacity plan as saved in `<run>/plan/plan.json`: what `buildCapacityPlan`
 * (src/plan/capacity-plan.ts) computes and `writePlanFiles` writes, and what the report reads
 * back. Plain data (no functions); src/plan computes it, src/report renders it.
 */
import type { PlanChecks } from './plan-check.ts';

/** The Universal Scalability Law's parameters (src/plan/usl-model.ts has the formula). */
export interface UslParams {
  /** λ: per-replica capacity, requests/s. */
  lambdaRps: number;
  /** σ: contention, 0…1. */
  sigma: number;
  /** κ: coherency, ≥ 0. */
  kappa: number;
}

/** [lower, upper]; an upper end of null means unbounded (e.g. N* when some resamples have no peak). */
export type Range = [number, number | null];

/** One replica count of the fitted curve: the fit and its 95 % bootstrap band, req/s. */
export interface UslBandPoint {
  replicas: number;
  throughputRps: number;
  lowerRps: number;
  upperRps: number;
}

/** The part of a target's USL fit the plan keeps (src/plan/usl-band.ts computes the whole). */
export interface PlanFit {
  params: UslParams;
  /** false when only 2 replica counts were probed: κ is then fixed at 0, not estimated. */
  kappaFitted: boolean;
  /** N* (real-valued), null without a peak (κ = 0). */
  peakReplicas: number | null;
  /** X(N*), null without a peak. */
  peakThroughputRps: number | null;
  /** 1 − SSE/SST over all observations. */
  rSquared: number;
  /** 95 % bootstrap intervals */
  intervals: { lambdaRps: Range; sigma: Range; kappa: Range; peakReplicas: Range | null };
  note: string;
  /** the curve and its band at 1 … max(64, 4 × the largest probed count) replicas (what the report draws); absent in plans saved before it was kept */
  band?: UslBandPoint[];
}

export interface PlanOptions {
  /** user counts to plan for, each > 0 */
  users: readonly number[];
  /** spare capacity on top of the load, 0..5 (0.2 = 20 %) */
  headroom: number;
  /** mean response time per request for Little's law, ms; default: the knee's p50 per target */
  responseMs?: number;
  /** Kubernetes node size */
  nodeCpuCores: number;
  nodeMemoryMiB: number;
  /** one pod's CPU (millicores) and memory; default CPU: the knee's measured CPU per replica */
  podCpuMillicores?: number;
  podMemoryMiB: number;
  /** Compose: CPU per app replica and of the balancer (compose.yaml `cpus`), cores */
  composeReplicaCpu: number;
  composeBalancerCpu: number;
  /** Compose: the host's cores */
  hostCpuCores: number;
  /** bootstrap seed and resamples of the band */
  seed?: number;
  resamples?: number;
}

/** How far the answer leans on the fit. */
export type PlanReach =
  /** a replica count with a measured capacity at SLO (a floor counts; the row's note says so) */
  | 'probed'
  /** within the measured counts, but this count has no capacity of its own (not probed, or probed without a capacity at SLO: the note says why) */
  | 'interpolated'
  /** beyond the largest count with a measured capacity, by at most 2× it */
  | 'beyond-probed'
  /** more than 2× beyond: the fit's shape, not a measurement, decides */
  | 'extrapolated'
  /** the fitted curve never carries the load: adding replicas cannot reach it */
  | 'unreachable';

export interface PlanRow {
  target: string;
  kind: 'local' | 'compose' | 'kubernetes';
  users: number;
  /** requests/s the users send, before headroom */
  loadRps: number;
  /** load × (1 + headroom) */
  neededRps: number;
  /** null when unreachable */
  replicas: number | null;
  reach: PlanReach;
  /** band at `replicas`: the fit and its lower end, req/s */
  predictedRps: number | null;
  predictedLowerRps: number | null;
  /** Kubernetes: nodes including one spare; Compose: host cores needed; null otherwise */
  nodes: number | null;
  hostCpuCores: number | null;
  /** why the figure is what it is, in words */
  note: string;
}

export interface TargetModel {
  target: string;
  kind: 'local' | 'compose' | 'kubernetes';
  /** replica count → capacity-at-SLO observations used */
  observations: Array<{ replicas: number; throughputRps: number[] }>;
  fit: PlanFit;
  /** requests/s one user sends, and the response time it was computed with */
  perUserRps: number;
  responseMs: number;
  responseFrom: 'knee p50' | '--response-ms' | 'none measured: 0 ms (the most requests per user)';
  thinkTimeMeanMs: number;
  /** app CPU per successful request at the knee, core-ms (median over counts); null = not sampled */
  cpuMsPerRequest: number | null;
  /** pods per node (Kubernetes) and the pod CPU used, millicores */
  podsPerNode: number | null;
  podCpuMillicores: number | null;
  podCpuFrom: string | null;
  /** replica counts probed whose capacity was only a floor (generator/host-bound) */
  lowerBoundCounts: number[];
}

export interface HpaSettings {
  minReplicas: number;
  maxReplicas: number;
  /** averageUtilization: % of the pod's CPU request */
  cpuPercent: number;
}

export interface ReplayOutcome {
  settings: HpaSettings;
  /** seconds in which the load per ready pod exceeded its capacity at SLO */
  overCapacityS: number;
  peakReplicas: number;
  /** Σ ready replicas over the spike, replica-seconds */
  replicaSeconds: number;
  /** seconds from the ramp's start to the first scale-up; null = none */
  scaleUpReactionS: number | null;
  /** highest p95 over the spike read off the probe's steps at the load per pod; null = beyond the probed loads */
  worstP95Ms: number | null;
}

export interface AutoscalerPlan {
  target: string;
  users: number;
  recommended: ReplayOutcome;
  current: ReplayOutcome;
  podStartDelayS: number;
  podStartFrom: 'spike run' | 'assumed (no spike run given)';
  /** measured in the spike run: spike start → first increase of desired replicas */
  measuredScaleUpReactionS: number | null;
  note: string;
}

export interface Prices {
  /** per vCPU-hour (Kubernetes node CPUs and the Compose host's CPUs) */
  vcpuHour?: number;
  /** per node-hour (Kubernetes) and per host-hour (Compose) */
  nodeHour?: number;
  hostHour?: number;
}

export interface KubernetesCost {
  target: string;
  settings: HpaSettings;
  podHours: number;
  peakPods: number;
  /** nodes sized for the peak pods all day, + 1 spare */
  fixedNodes: number;
  fixedNodeHours: number;
  /** Σ over hours of ⌈pods / pods-per-node⌉ + 1 */
  followingNodeHours: number;
  /** priced, when prices were given: fixed nodes, and nodes following the pods */
  costFixed: number | null;
  costFollowing: number | null;
}

export interface ComposeCost {
  target: string;
  /** replicas for the day's peak, all day */
  replicas: number;
  hostCpuCores: number;
  hostHours: 24;
  cost: number | null;
}

export interface DayCost {
  /** the day's peak users */
  peakUsers: number;
  traffic: 'file' | 'spike shape';
  hourlyUsers: number[];
  kubernetes: KubernetesCost[];
  compose: ComposeCost[];
}

export interface CostSection {
  days: DayCost[];
  prices: Prices;
  notes: string[];
}

export interface CapacityRegression {
  target: string;
  lambdaRps: number;
  baselineLambdaRps: number;
  /** the baseline's 95 % interval of λ */
  baselineRange: [number, number | null];
  /** what the drop was judged against */
  basis: 'band' | 'fixed margin (the baseline band has no spread)';
  /** λ below the baseline's band (or its fixed margin) */
  flagged: boolean;
  /** λ / baseline λ − 1 */
  change: number;
}

export interface CapacityPlan extends PlanChecks {
  runs: string[];
  options: PlanOptions;
  models: TargetModel[];
  rows: PlanRow[];
  /** HPA settings per Kubernetes target × user count, replayed on the spike's shape */
  autoscaler: AutoscalerPlan[];
  /** per-replica capacity against `--baseline` runs (plan-regression.ts), when given */
  regressions?: CapacityRegression[];
  /** cost over a day (set by `capbench plan` after the plan is built; day-cost.ts) */
  cost?: CostSection;
  /** true once `--verify` measured the plan (see `verification`) */
  verified: boolean;
  notes: string[];
}
