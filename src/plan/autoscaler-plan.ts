/**
 * HPA settings for a Kubernetes target, chosen and checked by the what-if replay
 * (hpa-replay.ts) on the spike's shape scaled to a user count:
 *  - CPU target: at most the CPU one pod spends at capacity-at-SLO / (1 + headroom), as a
 *    share of the pod's CPU request — below the knee by the headroom — or lower, when reacting
 *    earlier is cheaper than a higher floor;
 *  - maxReplicas: the replicas the plan needs for the peak;
 *  - minReplicas: the smallest count with which the replay keeps every pod at or under its
 *    capacity at SLO through the ramp, while new pods start (measured start delay);
 *  of the (target, floor) pairs that keep every second within capacity, the one with the
 *  fewest replica-seconds;
 *  - behavior: the shipped one (scale up +100 % or +4 pods per 15 s, no stabilisation).
 * Current and recommended settings are replayed side by side: seconds over capacity, peak
 * replicas, replica-seconds, and a predicted p95 read off the capacity probe's own steps.
 * Assumptions (besides the replay's): the CPU per request measured at the knee holds at every
 * load; the metric lags the load by `metricDelayS` (metrics.k8s.io's window).
 */
import type { CapacityStep } from '../model/index.ts';
import type { AutoscalerPlan, HpaSettings, ReplayOutcome } from '../model/plan.ts';
import { targetAt, type Stage } from '../../scenarios/lib/profile.ts';
import type { HpaBehavior, HpaSpec } from './hpa-algorithm.ts';
import { replayHpa } from './hpa-replay.ts';

/** What the shipped HPA (clusters/k8s/hpa.yaml with the spike profile) does. */
export const SHIPPED_BEHAVIOR: HpaBehavior = {
  scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }] },
  scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
};

export interface AutoscalerInput {
  target: string;
  users: number;
  /** the spike's user stages (VUs) and where its ramp starts, s */
  startUsers: number;
  stages: readonly Stage[];
  rampStartS: number;
  perUserRps: number;
  /** capacity of one pod at SLO, req/s (the fit's λ) */
  podCapacityRps: number;
  /** CPU per request at the knee, core-ms (= millicores per req/s) */
  cpuMsPerRequest: number;
  podCpuRequestMillicores: number;
  headroom: number;
  maxReplicas: number;
  current: HpaSettings;
  podStartDelayS: number;
  podStartFrom: AutoscalerPlan['podStartFrom'];
  measuredScaleUpReactionS: number | null;
  metricDelayS: number;
  /** the probe's steps, for p95 against load per replica */
  steps: ReadonlyArray<{ replicas: number; step: CapacityStep }>;
}

/**
 * p95 at an offered load per replica, linear between the probe's app-bound steps; null beyond
 * them. Read against the *offered* rate: an overloaded step's achieved rate falls back while its
 * p95 soars, so p95 against achieved throughput bends back on itself. Steps of several replica
 * counts interleave, so the curve is made non-decreasing (running maximum): more load per pod is
 * assumed never to make p95 better — the pessimistic reading.
 */
export function p95AtLoad(steps: AutoscalerInput['steps'], rpsPerReplica: number): number | null {
  const sorted = steps
    .filter((s) => s.step.bound === 'app' && s.step.p95Ms !== null)
    .map((s) => ({ x: s.step.offeredRps / s.replicas, y: s.step.p95Ms! }))
    .sort((a, b) => a.x - b.x || a.y - b.y);
  let high = -Infinity;
  const pts = sorted.map((p) => ({ x: p.x, y: (high = Math.max(high, p.y)) }));
  if (pts.length === 0 || rpsPerReplica > pts[pts.length - 1]!.x) return null;
  if (rpsPerReplica <= pts[0]!.x) return pts[0]!.y;
  const i = pts.findIndex((p) => p.x >= rpsPerReplica);
  const a = pts[i - 1]!;
  const b = pts[i]!;
  return b.x === a.x ? b.y : a.y + ((b.y - a.y) * (rpsPerReplica - a.x)) / (b.x - a.x);
}

/** The spike scaled to `i.users`, replayed with settings `s`. Pure. */
export function replayAutoscaler(i: AutoscalerInput, s: HpaSettings): ReplayOutcome {
  const peakStage = Math.max(i.startUsers, ...i.stages.map((st) => st.target));
  const scale = i.users / peakStage;
  const total = i.stages.reduce((n, st) => n + st.durationS, 0);
  const rps = Array.from({ length: total }, (_, t) => targetAt(i.startUsers, i.stages, t) * scale * i.perUserRps);
  const hpa: HpaSpec = { minReplicas: s.minReplicas, maxReplicas: s.maxReplicas, targetPerPod: (s.cpuPercent / 100) * i.podCpuRequestMillicores, behavior: SHIPPED_BEHAVIOR };
  const start = Math.min(s.maxReplicas, Math.max(s.minReplicas, Math.ceil((rps[0]! * i.cpuMsPerRequest) / hpa.targetPerPod)));
  const r = replayHpa({ hpa, demand: rps.map((x) => x * i.cpuMsPerRequest), initialReplicas: start, podStartDelayS: i.podStartDelayS, metricDelayS: i.metricDelayS });
  let over = 0;
  let worst: number | null = 0;
  for (const sec of r.seconds) {
    const perPod = sec.readyReplicas > 0 ? rps[sec.t]! / sec.readyReplicas : Infinity;
    if (perPod > i.podCapacityRps) over++;
    const p95 = Number.isFinite(perPod) ? p95AtLoad(i.steps, perPod) : null;
    worst = worst === null || p95 === null ? null : Math.max(worst, p95);
  }
  const firstUp = r.decisions.find((d) => d.t >= i.rampStartS && d.desiredReplicas > d.currentReplicas);
  return {
    settings: s,
    overCapacityS: over,
    peakReplicas: Math.max(...r.seconds.map((x) => x.readyReplicas)),
    replicaSeconds: r.seconds.reduce((n, x) => n + x.readyReplicas, 0),
    scaleUpReactionS: firstUp ? firstUp.t - i.rampStartS : null,
    worstP95Ms: worst,
  };
}

/**
 * Recommend and check HPA settings for one Kubernetes target and user count. Pure.
 * For each CPU target from the knee's (capacity / (1 + headroom)) down to a third of it, in
 * steps of 5 points, the smallest minReplicas the replay keeps within capacity; of those, the
 * settings with the fewest replica-seconds (a lower target reacts earlier, a higher floor
 * costs all day). O(targets × max × replay).
 */
export function planAutoscaler(i: AutoscalerInput): AutoscalerPlan {
  const cpuAtTarget = (i.podCapacityRps / (1 + i.headroom)) * i.cpuMsPerRequest;
  const kneePercent = Math.max(1, Math.floor((cpuAtTarget / i.podCpuRequestMillicores) * 100));
  const max = Math.max(1, i.maxReplicas);
  let best: ReplayOutcome | null = null;
  for (let cpuPercent = kneePercent; cpuPercent >= Math.max(1, kneePercent / 3); cpuPercent -= 5) {
    for (let min = 1; min <= max; min++) {
      const o = replayAutoscaler(i, { minReplicas: min, maxReplicas: max, cpuPercent });
      const better = best === null || o.overCapacityS < best.overCapacityS || (o.overCapacityS === best.overCapacityS && o.replicaSeconds < best.replicaSeconds);
      if (better) best = o;
      if (o.overCapacityS === 0) break;
    }
  }
  const recommended = best!;
  const current = replayAutoscaler(i, i.current);
  const notes: string[] = [];
  if (recommended.overCapacityS > 0) notes.push(`even minReplicas = maxReplicas = ${max} leaves ${recommended.overCapacityS} s over capacity: the peak needs more replicas than the plan allows`);
  if (recommended.worstP95Ms === null) notes.push('p95 beyond the probed loads in some second: not predicted there');
  return {
    target: i.target,
    users: i.users,
    recommended,
    current,
    podStartDelayS: i.podStartDelayS,
    podStartFrom: i.podStartFrom,
    measuredScaleUpReactionS: i.measuredScaleUpReactionS,
    note: notes.join('; '),
  };
}
