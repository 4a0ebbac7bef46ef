/**
 * `capbench plan --verify`, the pure half: which row of the plan is checked (target × user
 * count), the rate and size it is measured at, and the verdict on the measured step —
 * PASS (the SLO met at the predicted size, the predicted rate carried), FAIL, or NOT
 * EVIDENCE (the generator or the host, not the app, limited the measurement; the same
 * step rules as the capacity probe, src/measure/capacity.ts). The CLI runs the measurement
 * (src/run/plan-verify-run.ts) in between.
 */
import { PLATEAU_SHARE } from '../measure/capacity.ts';
import { HarnessError, type CapacityStep } from '../model/index.ts';
import type { PlanVerification } from '../model/plan-check.ts';
import type { CapacityPlan, PlanRow } from '../model/plan.ts';
import { fitUslWithBand } from './usl-band.ts';

/** What a plan built without `--verify` says about it. */
export const NOT_VERIFIED = 'nothing was measured at the recommended sizes';

/** The row `--verify --target T [--verify-users N]` checks: N defaults to the first of --users. Throws usage (2) naming the flag. */
export function verifyRow(plan: Pick<CapacityPlan, 'rows' | 'options'>, target: string, users?: number): PlanRow & { replicas: number; predictedRps: number; predictedLowerRps: number } {
  const targets = [...new Set(plan.rows.map((r) => r.target))];
  if (!targets.includes(target)) {
    throw new HarnessError(`--target: must be a target of the plan's capacity runs, one of ${targets.join(', ')} (got ${target})`, { code: 'usage', hint: `e.g. --verify --target ${targets[0] ?? 'local'}` });
  }
  const n = users ?? plan.options.users[0]!;
  if (!plan.options.users.includes(n)) {
    throw new HarnessError(`--verify-users: must be one of --users ${plan.options.users.join(',')} (got ${n})`, { code: 'usage', hint: `e.g. --verify-users ${plan.options.users[0]}` });
  }
  const row = plan.rows.find((r) => r.target === target && r.users === n)!;
  if (row.replicas === null || row.predictedRps === null || row.predictedLowerRps === null) {
    throw new HarnessError(`--verify: the plan must have a size for ${n} users on ${target} (got none: ${row.note})`, { code: 'usage', hint: 'verify a user count the plan can size: --verify-users N with N one of --users' });
  }
  return { ...row, replicas: row.replicas, predictedRps: row.predictedRps, predictedLowerRps: row.predictedLowerRps };
}

/** The rate the steady load offers: the users' predicted rate, as a whole request/s ≥ 1. */
export function verifyRateRps(row: Pick<PlanRow, 'loadRps'>): number {
  return Math.max(1, Math.round(row.loadRps));
}

/** The plan's fit and 95 % band at `replicas` (the same seed and data as the plan: the same band). */
export function predictedAt(plan: Pick<CapacityPlan, 'models' | 'options'>, target: string, replicas: number): { capacityRps: number; lowerRps: number; upperRps: number } {
  const model = plan.models.find((m) => m.target === target)!;
  const p = fitUslWithBand(model.observations, { replicas: [replicas], seed: plan.options.seed ?? 1, resamples: plan.options.resamples ?? 400 }).band[0]!;
  return { capacityRps: p.throughputRps, lowerRps: p.lowerRps, upperRps: p.upperRps };
}

export interface VerifyInput {
  target: string;
  users: number;
  replicas: number;
  runDir: string;
  predicted: PlanVerification['predicted'];
  offeredRps: number;
  slo: PlanVerification['slo'];
  /** the measured step; null when none was measured */
  step: CapacityStep | null;
  /** why no step was measured (the run's error), when known */
  failure?: string;
}

const pct = (share: number): string => `${(100 * share).toFixed(1)} %`;

/** The verdict on one measured step against the plan's prediction. */
export function judgeVerification(i: VerifyInput): PlanVerification {
  const base = { target: i.target, users: i.users, replicas: i.replicas, runDir: i.runDir, predicted: i.predicted, offeredRps: i.offeredRps, slo: i.slo };
  const s = i.step;
  if (s === null) {
    return { ...base, measured: null, errorPct: null, verdict: 'not-evidence', reason: `nothing was measured: ${i.failure ?? 'the run ended before its step'}` };
  }
  const measuredS = s.endS - s.startS - s.settleS;
  const measured = { throughputRps: s.achievedRps, p95Ms: s.p95Ms, errorRate: s.errorRate, requests: s.requests, measuredS, generatorBoundS: s.generatorBoundS, hostBoundS: s.hostBoundS, bound: s.bound };
  // against the rate offered, not the unrounded prediction: the rounding is not the plan's error
  const errorPct = i.offeredRps > 0 ? (100 * (s.achievedRps - i.offeredRps)) / i.offeredRps : null;
  const out = { ...base, measured, errorPct };
  const generator = `the load generator could not keep its schedule in ${s.generatorBoundS} of ${measuredS} s`;
  const host = `the machine's CPU was ≥ 95 % busy in ${s.hostBoundS} of ${measuredS} s`;
  if (s.bound === 'generator') {
    return { ...out, verdict: 'not-evidence', reason: `generator-bound: ${generator}${s.hostBoundS > 0 ? `, and ${host}` : ''} — the figures are the generator's, not the app's` };
  }
  if (s.bound === 'host') {
    return { ...out, verdict: 'not-evidence', reason: `host-bound: ${host}${s.generatorBoundS > 0 ? `, and ${generator}` : ''} — generator, balancer and app shared a saturated host` };
  }
  const broken: string[] = [];
  if (s.p95Ms === null) broken.push('no request succeeded');
  else if (s.p95Ms > i.slo.p95Ms) broken.push(`p95 ${Math.round(s.p95Ms)} ms > SLO ${i.slo.p95Ms} ms`);
  if (s.errorRate > i.slo.errorRate) broken.push(`errors ${pct(s.errorRate)} > SLO ${pct(i.slo.errorRate)}`);
  if (s.achievedRps < PLATEAU_SHARE * i.offeredRps) broken.push(`carried ${s.achievedRps.toFixed(1)} of ${i.offeredRps} req/s offered (< ${Math.round(100 * PLATEAU_SHARE)} %)`);
  if (broken.length > 0) return { ...out, verdict: 'fail', reason: `at ${i.replicas} replicas: ${broken.join('; ')}` };
  return { ...out, verdict: 'pass', reason: `at ${i.replicas} replicas the SLO held (p95 ${Math.round(s.p95Ms!)} ms ≤ ${i.slo.p95Ms} ms, errors ${pct(s.errorRate)} ≤ ${pct(i.slo.errorRate)}) and ${s.achievedRps.toFixed(1)} of ${i.offeredRps} req/s were carried` };
}
