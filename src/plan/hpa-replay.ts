/**
 * What-if replay of the Kubernetes HPA on a measured load, second by second (hpa-algorithm.ts
 * holds the controller's arithmetic). Every `syncPeriodS` the controller reconciles: it reads
 * the metric, computes the desired replicas, stabilises and rate-limits them, and sets the
 * Deployment's replicas; new pods become ready `podStartDelayS` later (the measured reaction
 * delay: scheduling, image, start, readiness). A scale-down removes pods that are still
 * starting first, then the newest (the ReplicaSet's deletion order).
 * Assumptions: the load spreads evenly over ready pods, so the per-pod metric is
 * demand(t − metricDelayS) / ready(t); pods become ready exactly D s after being asked for;
 * nothing else (node capacity, quotas) delays a pod. Pure and deterministic; no clock.
 */
import { HarnessError, mustBe } from '../model/errors.ts';
import {
  DEFAULT_CONTROLLER,
  metricDesiredReplicas,
  newHpaState,
  normalizeLegacy,
  normalizeWithBehavior,
  recordScaleEvent,
  scaleDownRules,
  scaleUpRules,
  type HpaControllerConfig,
  type HpaSpec,
} from './hpa-algorithm.ts';

export interface HpaReplayInput {
  hpa: HpaSpec;
  /** Total metric per second from t = 0 (e.g. requests/s offered to the whole workload). */
  demand: readonly number[];
  /** Ready replicas at t = 0. */
  initialReplicas: number;
  /** Seconds from the controller raising the replica count to the new pod being ready. */
  podStartDelayS: number;
  /** Seconds the metric lags the load (metrics pipeline); default 0. */
  metricDelayS?: number;
  /** Second of the first reconcile (default 0); later ones every syncPeriodS. */
  firstSyncS?: number;
  controller?: Partial<HpaControllerConfig>;
}

export interface HpaReplaySecond {
  t: number;
  demand: number;
  /** The Deployment's replicas as the HPA has set them. */
  desiredReplicas: number;
  readyReplicas: number;
  /** Metric per ready pod the load puts on them this second (null with no ready pod). */
  perPod: number | null;
}

export interface HpaDecision {
  t: number;
  currentReplicas: number;
  /** Per-pod metric the controller saw, and its ratio to the target. */
  perPod: number | null;
  usageRatio: number | null;
  /** Replicas from the metric alone (before stabilisation and limits). */
  recommended: number | null;
  desiredReplicas: number;
  /** ScaleUpLimit, ScaleDownStabilized, TooManyReplicas, …, NoReadyPods, or '' when nothing limited it. */
  limitedBy: string;
}

export interface HpaReplay {
  seconds: HpaReplaySecond[];
  /** One per reconcile, in order. */
  decisions: HpaDecision[];
}

function check(input: HpaReplayInput): void {
  const w = 'replayHpa';
  const bad = (what: string, expected: string, got: unknown): never => {
    throw new HarnessError(mustBe(w, what, expected, got), { code: 'internal' });
  };
  const { hpa } = input;
  const min = hpa.minReplicas ?? 1;
  if (!(Number.isInteger(min) && min >= 1)) bad('hpa.minReplicas', 'an integer ≥ 1', min);
  if (!(Number.isInteger(hpa.maxReplicas) && hpa.maxReplicas >= min)) bad('hpa.maxReplicas', `an integer ≥ minReplicas (${min})`, hpa.maxReplicas);
  if (!(hpa.targetPerPod > 0 && Number.isFinite(hpa.targetPerPod))) bad('hpa.targetPerPod', 'a number > 0', hpa.targetPerPod);
  if (!(Number.isInteger(input.initialReplicas) && input.initialReplicas >= 1)) bad('initialReplicas', 'an integer ≥ 1', input.initialReplicas);
  if (!(input.podStartDelayS >= 0 && Number.isFinite(input.podStartDelayS))) bad('podStartDelayS', 'a number ≥ 0', input.podStartDelayS);
  const v = input.demand.find((d) => !(Number.isFinite(d) && d >= 0));
  if (v !== undefined) bad('every demand value', 'finite and ≥ 0', v);
  const c = { ...DEFAULT_CONTROLLER, ...input.controller };
  if (!(Number.isInteger(c.syncPeriodS) && c.syncPeriodS >= 1)) bad('controller.syncPeriodS', 'an integer ≥ 1', c.syncPeriodS);
  if (!(c.tolerance >= 0)) bad('controller.tolerance', 'a number ≥ 0', c.tolerance);
}

/** Replays the HPA over `demand`. Called by `capbench plan` on saved runs; pure. */
export function replayHpa(input: HpaReplayInput): HpaReplay {
  check(input);
  const { hpa, demand, podStartDelayS } = input;
  const c: HpaControllerConfig = { ...DEFAULT_CONTROLLER, ...input.controller };
  const min = hpa.minReplicas ?? 1;
  const max = hpa.maxReplicas;
  const up = scaleUpRules(hpa.behavior?.scaleUp);
  const down = scaleDownRules(hpa.behavior?.scaleDown, c);
  const metricDelayS = input.metricDelayS ?? 0;
  const firstSyncS = input.firstSyncS ?? 0;
  const state = newHpaState();
  // Each pod is the second it becomes ready.
  let pods: number[] = Array.from({ length: input.initialReplicas }, () => 0);
  let desired = input.initialReplicas;
  const seconds: HpaReplaySecond[] = [];
  const decisions: HpaDecision[] = [];
  for (let t = 0; t < demand.length; t++) {
    const ready = pods.filter((r) => r <= t).length;
    if (t >= firstSyncS && (t - firstSyncS) % c.syncPeriodS === 0) {
      const seen = demand[Math.max(0, t - metricDelayS)]!;
      const current = desired;
      if (state.recommendations.length === 0) state.recommendations.push({ atS: t, replicas: current });
      let next = current;
      let decision: HpaDecision = { t, currentReplicas: current, perPod: ready > 0 ? seen / ready : null, usageRatio: null, recommended: null, desiredReplicas: current, limitedBy: '' };
      if (current > max) decision = { ...decision, desiredReplicas: (next = max), limitedBy: 'TooManyReplicas' };
      else if (current < min) decision = { ...decision, desiredReplicas: (next = min), limitedBy: 'TooFewReplicas' };
      else {
        const m = metricDesiredReplicas({ current, ready, unready: pods.length - ready, totalMetric: seen, targetPerPod: hpa.targetPerPod, tolerance: c.tolerance });
        if (m === null) decision = { ...decision, limitedBy: 'NoReadyPods' };
        else {
          const n = hpa.behavior === undefined
            ? normalizeLegacy(state, t, current, m.replicas, min, max, c)
            : normalizeWithBehavior(state, t, current, m.replicas, min, max, up, down);
          next = n.replicas;
          decision = { ...decision, usageRatio: m.usageRatio, recommended: m.replicas, desiredReplicas: next, limitedBy: n.limitedBy };
        }
      }
      if (next !== current) {
        if (hpa.behavior !== undefined) recordScaleEvent(state, t, current, next, up, down);
        if (next > current) pods = [...pods, ...Array.from({ length: next - current }, () => t + podStartDelayS)];
        else pods = [...pods].sort((a, b) => a - b).slice(0, next);
        desired = next;
      }
      decisions.push(decision);
    }
    const readyNow = pods.filter((r) => r <= t).length;
    seconds.push({ t, demand: demand[t]!, desiredReplicas: desired, readyReplicas: readyNow, perPod: readyNow > 0 ? demand[t]! / readyNow : null });
  }
  return { seconds, decisions };
}
