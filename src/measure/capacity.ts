/**
 * The capacity probe's figures (DESIGN.md "Capacity at SLO"), pure, from the saved series:
 * one step's figures, when the probe stops climbing, and what a replica count's steps say
 * (capacity at SLO, saturation, CPU per request at the knee). The probe (src/run) calls them
 * while it runs; the report and `capbench plan` read what they wrote.
 *
 * Definitions and assumptions (README "Capacity"):
 * - a step's figures cover its measured part: [startS + settleS, endS);
 * - a step is generator-bound (host-bound) when more than 5 % of its measured seconds were
 *   (GENERATOR_BOUNDS.invalidShare, the run-level rule); arrivals dropped for want of a free
 *   VU count against the generator only when the step met the SLO — in a step that broke it,
 *   the VUs were busy waiting for a saturated app, which is the app's answer, not the
 *   generator's failing;
 * - capacity at SLO: the offered rate at which the SLO breaks is interpolated linearly
 *   between the last passing and the first failing app-bound step (p95 and error rate,
 *   whichever crosses first); below saturation an open model's throughput is its offered
 *   rate (times the passing step's success share), and it cannot exceed what the failing
 *   step achieved — so the answer lies between the two steps' achieved throughputs, and is
 *   never below the best achieved throughput of a passing step.
 */
import type { Slo } from '../../scenarios/lib/profile.ts';
import type { CapacityStep, LoadSecond, PlatformSecond, ProbeStop, ReplicaCapacity, StepBound, TargetCapacity } from '../model/index.ts';
import { windowFigures } from './figures.ts';
import { GENERATOR_BOUNDS, type SecondHealth } from './generator-bound.ts';

/** A step whose achieved throughput stays below this share of its offered rate shows the plateau. */
export const PLATEAU_SHARE = 0.9;
/** A larger replica count starts its ladder at this share of the capacity the last count projects linearly. */
export const START_SHARE = 0.5;

export interface StepInput {
  index: number;
  startS: number;
  endS: number;
  settleS: number;
  offeredRps: number;
  /** the leg's load seconds (any span; the step's are picked by t) */
  load: readonly LoadSecond[];
  /** judgeSeconds() of the same load seconds */
  judged: readonly SecondHealth[];
  platform: readonly PlatformSecond[];
  slo: Slo;
  /** app replicas during the step (CPU per replica when only the total is sampled) */
  replicas: number;
}

/** One step's figures over its measured part. */
export function stepFigures(i: StepInput): CapacityStep {
  const fromS = Math.min(i.endS - 1, i.startS + i.settleS);
  const measuredS = i.endS - fromS;
  const w = windowFigures(i.load, `step ${i.index}`, fromS, i.endS);
  const inStep = (t: number): boolean => t >= fromS && t < i.endS;
  const dropped = i.load.filter((s) => inStep(s.t)).reduce((n, s) => n + (s.dropped ?? 0), 0);
  const meetsSlo = w.p95Ms !== null && w.p95Ms <= i.slo.p95Ms && w.errorRate <= i.slo.errorRate;
  let generatorBoundS = 0;
  let hostBoundS = 0;
  for (const h of i.judged) {
    if (!inStep(h.t)) continue;
    const causes = meetsSlo ? h.generatorBound : h.generatorBound.filter((c) => c !== 'dropped-arrivals');
    if (causes.length > 0) generatorBoundS++;
    if (h.hostBound) hostBoundS++;
  }
  const share = GENERATOR_BOUNDS.invalidShare;
  const bound: StepBound = generatorBoundS > share * measuredS ? 'generator' : hostBoundS > share * measuredS ? 'host' : 'app';
  return {
    index: i.index,
    startS: i.startS,
    endS: i.endS,
    settleS: fromS - i.startS,
    offeredRps: i.offeredRps,
    achievedRps: w.throughputRps,
    requests: w.requests,
    failures: w.failures,
    errorRate: w.errorRate,
    dropped,
    p50Ms: w.p50Ms,
    p95Ms: w.p95Ms,
    p99Ms: w.p99Ms,
    cpuPercentPerReplica: cpuPercentPerReplica(i.platform.filter((p) => inStep(p.t)), i.replicas),
    meetsSlo,
    bound,
    generatorBoundS,
    hostBoundS,
  };
}

/** Mean CPU of one replica, % of a core, over the seconds that sampled it; null when none did. */
export function cpuPercentPerReplica(platform: readonly PlatformSecond[], replicas: number): number | null {
  const perSecond: number[] = [];
  for (const p of platform) {
    if (p.gap) continue;
    const by = p.cpuCoresByReplica === undefined ? [] : Object.values(p.cpuCoresByReplica);
    if (by.length > 0) perSecond.push(by.reduce((a, b) => a + b, 0) / by.length);
    else if (p.cpuCores !== undefined && replicas > 0) perSecond.push(p.cpuCores / replicas);
  }
  return perSecond.length === 0 ? null : (100 * perSecond.reduce((a, b) => a + b, 0)) / perSecond.length;
}

/**
 * Should the probe stop climbing after these steps (in order)? The error ceiling stops at
 * once; two consecutive generator-bound steps stop it (a higher rate will not help the
 * generator); two consecutive steps breaking the SLO stop it. null = climb on.
 */
export function probeStop(steps: readonly CapacityStep[], errorCeiling: number): ProbeStop | null {
  const last = steps[steps.length - 1];
  const prev = steps[steps.length - 2];
  if (last === undefined) return null;
  if (last.errorRate > errorCeiling) return 'error-ceiling';
  if (prev === undefined) return null;
  if (last.bound === 'generator' && prev.bound === 'generator') return 'generator-bound';
  if (!last.meetsSlo && !prev.meetsSlo) return 'slo-broken-twice';
  return null;
}

/** Where between a passing step p and a failing step f (0 … 1 of the way) the SLO is crossed. */
function crossingShare(p: CapacityStep, f: CapacityStep, slo: Slo): number {
  const shares: number[] = [];
  if (f.p95Ms === null) shares.push(0);
  else if (f.p95Ms > slo.p95Ms && p.p95Ms !== null && f.p95Ms > p.p95Ms) shares.push((slo.p95Ms - p.p95Ms) / (f.p95Ms - p.p95Ms));
  if (f.errorRate > slo.errorRate && f.errorRate > p.errorRate) shares.push((slo.errorRate - p.errorRate) / (f.errorRate - p.errorRate));
  return shares.length === 0 ? 0 : Math.min(1, Math.max(0, Math.min(...shares)));
}

/** What one replica count's steps say. */
export function replicaCapacity(replicas: number, steps: readonly CapacityStep[], stoppedBy: ProbeStop, slo: Slo, error?: string): ReplicaCapacity {
  const app = steps.filter((s) => s.bound === 'app');
  const passing = app.filter((s) => s.meetsSlo);
  const knee = passing[passing.length - 1] ?? null;
  let capacity: number | null = null;
  let lowerBound = false;
  if (knee !== null) {
    capacity = Math.max(...passing.map((s) => s.achievedRps));
    const after = steps.filter((s) => s.index > knee.index);
    lowerBound = after[0] !== undefined && after[0].bound !== 'app';
    const fail = after.find((s) => s.bound === 'app' && !s.meetsSlo);
    if (fail !== undefined && knee.offeredRps > 0) {
      const offeredAt = knee.offeredRps + crossingShare(knee, fail, slo) * (fail.offeredRps - knee.offeredRps);
      const carried = offeredAt * (knee.achievedRps / knee.offeredRps);
      capacity = Math.max(capacity, Math.min(carried, Math.max(knee.achievedRps, fail.achievedRps)));
    }
  }
  const plateau = app.some((s) => s.achievedRps < PLATEAU_SHARE * s.offeredRps);
  const cpu = knee?.cpuPercentPerReplica ?? null;
  return {
    replicas,
    steps: [...steps],
    stoppedBy,
    capacityAtSloRps: capacity,
    capacityIsLowerBound: lowerBound,
    saturationRps: plateau ? Math.max(...app.map((s) => s.achievedRps)) : null,
    cpuMsPerRequest: knee !== null && cpu !== null && knee.achievedRps > 0 ? ((cpu / 100) * replicas * 1000) / knee.achievedRps : null,
    kneeStepIndex: knee?.index ?? null,
    ...(error === undefined ? {} : { error }),
  };
}

/**
 * The ladder step a replica count starts at: the first whose rate reaches START_SHARE of
 * the capacity the previous count projects linearly (n / previous n × its capacity); step 0
 * for the first count or when the previous one found none.
 */
export function startStep(rates: readonly number[], n: number, previous: Pick<ReplicaCapacity, 'replicas' | 'capacityAtSloRps'> | null): number {
  const cap = previous?.capacityAtSloRps;
  if (previous === null || cap === null || cap === undefined || cap <= 0) return 0;
  const aim = (START_SHARE * cap * n) / previous.replicas;
  const k = rates.findIndex((r) => r >= aim);
  return k === -1 ? Math.max(0, rates.length - 1) : k;
}

/** The replica count and step a second of the leg's timeline belongs to; null = between steps. */
export function stepAt(c: Pick<TargetCapacity, 'byReplicas'>, t: number): { replicas: number; step: number } | null {
  for (const r of c.byReplicas) {
    for (const s of r.steps) if (t >= s.startS && t < s.endS) return { replicas: r.replicas, step: s.index };
  }
  return null;
}
