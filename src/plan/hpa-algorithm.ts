/**
 * One reconcile of the Kubernetes HorizontalPodAutoscaler (autoscaling/v2), as pure functions
 * over an explicit state, for the what-if replay (hpa-replay.ts). Read from the Kubernetes
 * sources: pkg/controller/podautoscaler/horizontal.go (reconcileAutoscaler,
 * normalizeDesiredReplicas[WithBehaviors], stabilizeRecommendation[WithBehaviors],
 * convertDesiredReplicasWithBehaviorRate, calculateScale{Up,Down}Limit…, storeScaleEvent),
 * replica_calculator.go (calcPlainMetricReplicas: tolerance, unready pods on scale-up) and
 * pkg/apis/autoscaling/v2/defaults.go (behavior defaults). README-models.md names the versions.
 *
 * Modelled: one Pods/AverageValue-style metric (per-pod average against a per-pod target; CPU
 * utilisation is the same with target = request × utilisation); tolerance; min/max replicas;
 * both code paths — spec.behavior unset (legacy: 300 s scale-down stabilisation, scale-up
 * limited to max(2×current, 4)) and set (per-direction stabilisation windows, Pods/Percent
 * policies per period, selectPolicy Max/Min/Disabled). Pods that are still starting count as
 * unready: left out of the average, and counted at 0 on a scale-up (the "rebalance" rule).
 * Not modelled: several metrics (max of proposals), missing metrics, scale-to-zero, external
 * and object metrics, configurable per-direction tolerance (behavior.*.tolerance, alpha).
 * Times are whole seconds; the controller requeues a full sync period after a reconcile
 * ended, so a sample exactly one window (or policy period) old is just outside it: windows
 * here are open at their old end, as the sources' `After(cutoff)` is in practice.
 */

export type PolicySelect = 'Max' | 'Min' | 'Disabled';
export interface HpaScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}
export interface HpaScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: PolicySelect;
  policies?: readonly HpaScalingPolicy[];
}
export interface HpaBehavior {
  scaleUp?: HpaScalingRules;
  scaleDown?: HpaScalingRules;
}

export interface HpaSpec {
  /** default 1 */
  minReplicas?: number;
  maxReplicas: number;
  /** Target per-pod average of the metric, in the metric's unit (e.g. requests/s per pod). */
  targetPerPod: number;
  /** undefined = spec.behavior unset: the legacy path, not the defaults below. */
  behavior?: HpaBehavior;
}

/** kube-controller-manager flags (defaults as shipped). */
export interface HpaControllerConfig {
  /** --horizontal-pod-autoscaler-sync-period, 15 s */
  syncPeriodS: number;
  /** --horizontal-pod-autoscaler-tolerance, 0.1 */
  tolerance: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization, 300 s */
  downscaleStabilizationS: number;
}
export const DEFAULT_CONTROLLER: HpaControllerConfig = { syncPeriodS: 15, tolerance: 0.1, downscaleStabilizationS: 300 };

/** Scaling rules with every default filled in (defaults.go: GenerateHPAScale{Up,Down}Rules). */
export interface FullRules {
  stabilizationWindowSeconds: number;
  selectPolicy: PolicySelect;
  policies: readonly HpaScalingPolicy[];
}

export function scaleUpRules(r: HpaScalingRules | undefined): FullRules {
  return {
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? 0,
    selectPolicy: r?.selectPolicy ?? 'Max',
    policies: r?.policies ?? [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
  };
}

export function scaleDownRules(r: HpaScalingRules | undefined, c: HpaControllerConfig): FullRules {
  return {
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? c.downscaleStabilizationS,
    selectPolicy: r?.selectPolicy ?? 'Max',
    policies: r?.policies ?? [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  };
}

/** What the controller remembers between reconciles of one HPA. */
export interface HpaState {
  /** Unstabilised recommendations with the second they were made. */
  recommendations: Array<{ atS: number; replicas: number }>;
  /** Replica changes made (absolute values), per direction; kept only when behavior is set. */
  scaleUpEvents: Array<{ atS: number; change: number }>;
  scaleDownEvents: Array<{ atS: number; change: number }>;
}

export const newHpaState = (): HpaState => ({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });

/**
 * calcPlainMetricReplicas with every pod either ready (with a metric) or starting (unready):
 * usageRatio = (total over ready pods / ready) / target. Within tolerance → current; no unready
 * pods or a scale-down → ⌈ratio × ready⌉; scale-up with unready pods → recompute the ratio with
 * them at 0 and keep current if that is within tolerance or flips the direction.
 * null when no pod is ready ("did not receive metrics for any ready pods": no decision).
 */
export function metricDesiredReplicas(a: { current: number; ready: number; unready: number; totalMetric: number; targetPerPod: number; tolerance: number }): { replicas: number; usageRatio: number } | null {
  if (a.ready <= 0) return null;
  const usageRatio = a.totalMetric / a.ready / a.targetPerPod;
  if (!(a.unready > 0 && usageRatio > 1)) {
    if (Math.abs(1 - usageRatio) <= a.tolerance) return { replicas: a.current, usageRatio };
    return { replicas: Math.ceil(usageRatio * a.ready), usageRatio };
  }
  const counted = a.ready + a.unready;
  const newRatio = a.totalMetric / counted / a.targetPerPod;
  if (Math.abs(1 - newRatio) <= a.tolerance || newRatio < 1) return { replicas: a.current, usageRatio };
  const replicas = Math.ceil(newRatio * counted);
  return { replicas: replicas < a.current ? a.current : replicas, usageRatio };
}

/** Legacy path (behavior unset): max of recommendations in the downscale window, then clamp. */
export function normalizeLegacy(s: HpaState, nowS: number, current: number, desired: number, min: number, max: number, c: HpaControllerConfig): { replicas: number; limitedBy: string } {
  const cutoff = nowS - c.downscaleStabilizationS;
  let stabilized = desired;
  for (const r of s.recommendations) if (r.atS > cutoff && r.replicas > stabilized) stabilized = r.replicas;
  s.recommendations = [...s.recommendations.filter((r) => r.atS > cutoff), { atS: nowS, replicas: desired }];
  const scaleUpLimit = Math.max(2 * current, 4);
  const maxAllowed = Math.min(max, scaleUpLimit);
  if (stabilized < min) return { replicas: min, limitedBy: 'TooFewReplicas' };
  if (stabilized > maxAllowed) return { replicas: maxAllowed, limitedBy: max > scaleUpLimit ? 'ScaleUpLimit' : 'TooManyReplicas' };
  return { replicas: stabilized, limitedBy: stabilized !== desired ? 'ScaleDownStabilized' : '' };
}

const changeInPeriod = (events: HpaState['scaleUpEvents'], nowS: number, periodS: number): number =>
  events.filter((e) => e.atS > nowS - periodS).reduce((sum, e) => sum + e.change, 0);

/** calculateScaleUpLimitWithScalingRules: the most replicas the policies allow now. */
export function scaleUpLimit(s: HpaState, nowS: number, current: number, rules: FullRules): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Infinity : -Infinity;
  for (const p of rules.policies) {
    const start = current - changeInPeriod(s.scaleUpEvents, nowS, p.periodSeconds) + changeInPeriod(s.scaleDownEvents, nowS, p.periodSeconds);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** calculateScaleDownLimitWithBehaviors: the fewest replicas the policies allow now. */
export function scaleDownLimit(s: HpaState, nowS: number, current: number, rules: FullRules): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? -Infinity : Infinity;
  for (const p of rules.policies) {
    const start = current - changeInPeriod(s.scaleUpEvents, nowS, p.periodSeconds) + changeInPeriod(s.scaleDownEvents, nowS, p.periodSeconds);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** normalizeDesiredReplicasWithBehaviors: stabilise (min over the up window, max over the down window), then rate-limit. */
export function normalizeWithBehavior(s: HpaState, nowS: number, current: number, desired: number, min: number, max: number, up: FullRules, down: FullRules): { replicas: number; limitedBy: string } {
  const upCutoff = nowS - up.stabilizationWindowSeconds;
  const downCutoff = nowS - down.stabilizationWindowSeconds;
  let upRec = desired;
  let downRec = desired;
  for (const r of s.recommendations) {
    if (r.atS > upCutoff) upRec = Math.min(upRec, r.replicas);
    if (r.atS > downCutoff) downRec = Math.max(downRec, r.replicas);
  }
  let stabilized = current;
  if (stabilized < upRec) stabilized = upRec;
  if (stabilized > downRec) stabilized = downRec;
  const keep = Math.min(upCutoff, downCutoff);
  s.recommendations = [...s.recommendations.filter((r) => r.atS > keep), { atS: nowS, replicas: desired }];
  const stabilizedBy = stabilized !== desired ? (desired >= current ? 'ScaleUpStabilized' : 'ScaleDownStabilized') : '';
  if (stabilized > current) {
    const limit = Math.max(scaleUpLimit(s, nowS, current, up), current);
    const maxAllowed = Math.min(max, limit);
    if (stabilized > maxAllowed) return { replicas: maxAllowed, limitedBy: max > limit ? 'ScaleUpLimit' : 'TooManyReplicas' };
  } else if (stabilized < current) {
    const limit = Math.min(scaleDownLimit(s, nowS, current, down), current);
    const minAllowed = Math.max(min, limit);
    if (stabilized < minAllowed) return { replicas: minAllowed, limitedBy: min < limit ? 'ScaleDownLimit' : 'TooFewReplicas' };
  }
  return { replicas: stabilized, limitedBy: stabilizedBy };
}

/** storeScaleEvent: remember a change for the policies' periods (only when behavior is set). */
export function recordScaleEvent(s: HpaState, nowS: number, from: number, to: number, up: FullRules, down: FullRules): void {
  const longest = (r: FullRules): number => Math.max(0, ...r.policies.map((p) => p.periodSeconds));
  if (to > from) s.scaleUpEvents = [...s.scaleUpEvents.filter((e) => e.atS > nowS - longest(up)), { atS: nowS, change: to - from }];
  else if (to < from) s.scaleDownEvents = [...s.scaleDownEvents.filter((e) => e.atS > nowS - longest(down)), { atS: nowS, change: from - to }];
}
