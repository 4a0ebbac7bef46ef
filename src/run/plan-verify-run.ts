/**
 * The measurement behind `capbench plan --verify`: one capacity-scenario run on one target,
 * the app pinned to the plan's replica count (the probe's pinning: Compose scaled to N,
 * Kubernetes' Deployment pinned with the HPA out of the way — src/run/capacity-probe.ts),
 * one step held at the plan's predicted rate (settle, then hold; the probe's step figures
 * and its generator-/host-bound rules). Saved like any run under `outRoot`, its capacity
 * marked `verifies` so `capbench plan` never pools it into a fit. Called once per
 * `plan --verify`; blocks for deploy + warm-up + one step + teardown.
 */
import type { CapacityStep } from '../model/index.ts';
import { writeRunRecord } from '../store/run-store.ts';
import { runScenario, type RunOptions } from './run.ts';

export interface PlanVerifyOptions extends Omit<RunOptions, 'scenario' | 'targets' | 'model' | 'replicas' | 'holdRps' | 'repeat'> {
  target: string;
  replicas: number;
  /** whole requests/s to hold (the plan's predicted rate, rounded) */
  rateRps: number;
  /** recorded with the run */
  users: number;
  predictedRps: number;
}

export interface PlanVerifyOutcome {
  runDir: string;
  /** the held step; null when none was measured */
  step: CapacityStep | null;
  /** why nothing (or not everything) was measured */
  failure: string | null;
  interrupted: boolean;
}

/** Run the verification; never throws for a failed leg (the outcome says so), only for bad input. */
export async function runPlanVerification(o: PlanVerifyOptions): Promise<PlanVerifyOutcome> {
  const outcome = await runScenario({ ...o, scenario: 'capacity', targets: o.target, model: 'open', replicas: [o.replicas], holdRps: o.rateRps });
  const run = outcome.record.targets.find((t) => t.capacity !== undefined);
  if (run?.capacity) {
    run.capacity.verifies = { users: o.users, predictedRps: o.predictedRps };
    writeRunRecord(outcome.runDir, outcome.record);
  }
  const r = run?.capacity?.byReplicas.find((b) => b.replicas === o.replicas);
  return {
    runDir: outcome.runDir,
    step: r?.steps[0] ?? null,
    failure: outcome.firstError?.message ?? r?.error ?? (outcome.record.targets.length === 0 ? `target ${o.target} did not run (${outcome.record.status})` : null),
    interrupted: outcome.record.status === 'interrupted',
  };
}
