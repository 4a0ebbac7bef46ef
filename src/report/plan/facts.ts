/**
 * What the report says about a saved capacity plan, in one place so the HTML Plan section,
 * summary.md and the claims table say the same: the fit's parameters with their intervals,
 * each row's size and reach, the cost per day, and how a figure is labelled. Reads
 * plan.json's data as saved (src/model/plan.ts); computes nothing the plan computed.
 */
import type { CapacityPlan, CostSection, PlanOptions, PlanReach, PlanRow, Range, TargetModel } from '../../model/index.ts';
import type { CheckVerdict, HoldOutCheck, PlanVerification } from '../../model/plan-check.ts';
import { num, pctPoints, rps } from '../format.ts';

export const REACH_TEXT: Record<PlanReach, string> = {
  probed: 'probed',
  interpolated: 'interpolated (not measured)',
  'beyond-probed': 'beyond probed (≤ 2×)',
  extrapolated: 'extrapolated',
  unreachable: 'unreachable',
};

/** What each reach means, for a line under the table. */
export const REACH_MEANING = 'probed: a replica count with a measured capacity at SLO; interpolated: between the measured counts, with no capacity of its own (the note says why); beyond probed: up to 2× the largest measured count; extrapolated: further, the fit’s shape decides; unreachable: adding replicas cannot carry the load.';

/** How a figure the plan computed is labelled next to measurements and claims. */
export const computedLabel = (runId: string): string => `computed from measurements (plan of ${runId})`;

/** The commands that would make a plan (for a claim or a section without one). */
export const PLAN_COMMANDS = '`npx capbench run capacity --target compose,local-k8s --replicas 1,2,3 --quick`, then `npx capbench plan reports/<capacity-run> --users 100,1000`';

/** "12.3 [11.0, 13.9]" with `fmt` for each end; an open upper end is ∞. */
export function valueWithRange(v: number, r: Range, fmt: (x: number) => string): string {
  return `${fmt(v)} [${fmt(r[0])}, ${r[1] === null ? '∞' : fmt(r[1])}]`;
}

export interface FitFacts {
  lambda: string;
  sigma: string;
  kappa: string;
  peak: string;
  rSquared: string;
}

/** The fit's parameters in words: λ, σ, κ with their 95 % intervals, and N*. */
export function fitFacts(m: TargetModel): FitFacts {
  const f = m.fit;
  const peakRange = f.intervals.peakReplicas;
  return {
    lambda: `${valueWithRange(f.params.lambdaRps, f.intervals.lambdaRps, num)} req/s`,
    sigma: valueWithRange(f.params.sigma, f.intervals.sigma, num),
    kappa: f.kappaFitted ? valueWithRange(f.params.kappa, f.intervals.kappa, num) : '0 (not fitted: 2 replica counts)',
    peak: f.peakReplicas === null
      ? 'none (κ = 0: throughput keeps rising towards λ/σ)'
      : `N* ≈ ${num(f.peakReplicas)}${peakRange ? ` [${num(peakRange[0])}, ${peakRange[1] === null ? '∞' : num(peakRange[1])}]` : ''} replicas, ${rps(f.peakThroughputRps)}`,
    rSquared: num(f.rSquared),
  };
}

/** Nodes (Kubernetes, one spare included) or host cores (Compose) for a row; '–' when unknown. */
export function sizeText(r: PlanRow, o: PlanOptions): string {
  if (r.nodes !== null) return `${r.nodes} nodes of ${num(o.nodeCpuCores)} CPU, ${num(o.nodeMemoryMiB)} MiB (1 spare)`;
  if (r.hostCpuCores !== null) return `one host, ${num(r.hostCpuCores)} of ${num(o.hostCpuCores)} cores`;
  return '–';
}

/** Money as the plan priced it (no currency: the prices given to `capbench plan` decide it). */
export const money = (v: number | null): string => (v === null ? '–' : v.toFixed(2));

/** Whether the plan's cost section carries prices (else it holds resources only). */
export function isPriced(c: CostSection | undefined): c is CostSection {
  return c !== undefined && (c.prices.vcpuHour !== undefined || c.prices.nodeHour !== undefined || c.prices.hostHour !== undefined);
}

/** The plan's user counts, each target's row for it, in plan order. */
export function rowsByTarget(plan: CapacityPlan): Array<{ model: TargetModel; rows: PlanRow[] }> {
  return plan.models.map((model) => ({ model, rows: plan.rows.filter((r) => r.target === model.target) }));
}

/** A self-check's verdict as the report prints it. */
export const VERDICT_TEXT: Record<CheckVerdict, string> = { pass: 'PASS', fail: 'FAIL', 'not-evidence': 'NOT EVIDENCE' };

/** What limited a verification's measurement, in words (generator or host: the measurement is no evidence about the app). */
export const BOUND_TEXT: Record<NonNullable<PlanVerification['measured']>['bound'], string> = {
  app: 'app-bound',
  generator: 'generator-bound: the load generator, not the app, limited it',
  host: "host-bound: the machine's CPU, not the app, limited it",
};

/** `--verify`'s measured rate against the rate offered, "+3.1 %"; null without a measurement. */
export const verificationError = (v: PlanVerification): string | null => (v.errorPct === null ? null : pctPoints(v.errorPct, { signed: true }));

/**
 * The hold-out check in words: the prediction, the measurement, and the reading — within or
 * not within ±20 %, or no verdict and why when the held-out count's figure is a floor or
 * missing (generator- or host-bound, or no step met the SLO). `ok` is null without a verdict.
 */
export function holdOutFacts(h: HoldOutCheck): { prediction: string; measured: string; ok: boolean | null; reading: string } {
  const error = h.errorPct === null ? '' : ` (error ${pctPoints(h.errorPct, { signed: true })}${h.boundNote !== null ? ', against a figure that is no evidence' : ''})`;
  return {
    prediction: `the fit on ${h.fitOnCounts.join(', ')} replicas predicts ${rps(h.predicted)} [${num(h.band[0])}, ${num(h.band[1])}] at ${h.predictedCount}`,
    measured: h.measured === null ? 'nothing measured' : `measured ${rps(h.measured)}${error}`,
    ok: h.within20pct,
    reading: h.within20pct === null ? `no verdict: ${h.boundNote ?? 'no measured figure to compare with'}` : h.within20pct ? 'within ±20 %' : 'not within ±20 %',
  };
}
