/**
 * Capacity runs with a plan beside them, for the report's Plan tests: synthetic capacity runs
 * (capacity-run.ts: capacity at SLO from a known USL curve) written as run directories, and
 * the plan `npx capbench plan` would write from them (the same calls as src/cli/plan-command.ts:
 * buildCapacityPlan, planDayCosts, writePlanFiles into `<first run>/plan`). Clearly
 * synthetic: no figure here was measured.
 */
import { join } from 'node:path';
import type { CapacityPlan, PlanOptions, Prices, UslParams } from '../model/plan.ts';
import { buildCapacityPlan } from '../plan/capacity-plan.ts';
import { planDayCosts } from '../plan/day-cost.ts';
import { writePlanFiles } from '../plan/plan-files.ts';
import { syntheticCapacityTarget, syntheticRun, writeSyntheticRun } from './capacity-run.ts';

/** The curve both synthetic targets follow: λ 50 req/s, a little contention and coherency (N* ≈ 21). */
export const PLAN_FIXTURE_USL: UslParams = { lambdaRps: 50, sigma: 0.05, kappa: 0.002 };
/** per-run multiplicative offsets: three probes of the same curve, pooled per replica count */
export const PLAN_FIXTURE_WOBBLE = [0.995, 1, 1.005];

export const PLAN_FIXTURE_OPTIONS: PlanOptions = {
  users: [100, 160, 245, 1000], headroom: 0.2, nodeCpuCores: 4, nodeMemoryMiB: 16_384, podMemoryMiB: 64,
  composeReplicaCpu: 0.25, composeBalancerCpu: 0.5, hostCpuCores: 8, resamples: 200,
};

export interface PlannedRuns {
  /** the capacity run directories, the first holding plan/ */
  dirs: string[];
  plan: CapacityPlan;
}

/**
 * Three synthetic capacity runs (local-k8s and compose, replicas 1–4) under `root`, and their
 * plan in `<first run>/plan`; `prices` undefined = resources only; `usl` another curve (e.g. a baseline).
 */
export function writePlannedCapacityRuns(root: string, o: { prefix?: string; prices?: Prices; options?: Partial<PlanOptions>; usl?: UslParams } = {}): PlannedRuns {
  const usl = o.usl ?? PLAN_FIXTURE_USL;
  const prefix = o.prefix ?? 'plan-cap';
  const records = PLAN_FIXTURE_WOBBLE.map((w, i) =>
    syntheticRun('capacity', [
      syntheticCapacityTarget({ name: 'local-k8s', kind: 'kubernetes', usl, replicas: [1, 2, 3, 4], wobble: () => w, kneeP50Ms: 20, kneeCpuPercent: 24 }),
      syntheticCapacityTarget({ name: 'compose', kind: 'compose', usl, replicas: [1, 2, 3, 4], wobble: () => w, kneeP50Ms: 20 }),
    ], `${prefix}-${i}`),
  );
  const dirs = records.map((r) => writeSyntheticRun(root, r));
  const options = { ...PLAN_FIXTURE_OPTIONS, ...o.options };
  const plan = buildCapacityPlan(records, records.map((r) => r.runId), options);
  plan.cost = planDayCosts(plan, plan.options, { prices: o.prices ?? {} });
  writePlanFiles(plan, join(dirs[0]!, 'plan'));
  return { dirs, plan };
}
