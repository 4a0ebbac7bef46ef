/**
 * `capbench plan … --verify --target T`: the flags, checked before anything starts, and the
 * wiring — the plan's row (src/plan/verify-plan.ts) → the measurement on T
 * (src/run/plan-verify-run.ts) → the verdict, set on the plan. Called by plan-command.ts.
 */
import { resolve } from 'node:path';
import { selectDriver } from '../load/select-driver.ts';
import { ExitCode, HarnessError, type RunRecord } from '../model/index.ts';
import type { CapacityPlan } from '../model/plan.ts';
import { harnessVersion } from '../run/machine.ts';
import { baseTargetOptions, type Io } from './program.ts';
import { ProgressPrinter } from './progress.ts';
import { runSeams, withInterrupt } from './signals.ts';
import type { VerifyFlags } from './plan-verify-flags.ts';

/** The SLO the plan's capacity runs judged `target` by, and their driver (so the check measures as they did). */
function planMeasuredBy(runs: readonly RunRecord[], target: string): { slo: { p95Ms: number; errorRate: number }; driver: RunRecord['driver'] } {
  const run = runs.find((r) => r.targets.some((t) => t.name === target && t.capacity && !t.capacity.verifies));
  const cap = run?.targets.find((t) => t.name === target)?.capacity;
  if (!run || !cap) throw new HarnessError(`--target: ${target} must have capacity figures in the plan's runs (got none)`, { code: 'usage', hint: 'verify a target the capacity runs measured' });
  return { slo: cap.slo, driver: run.driver };
}

/**
 * Measure the plan on `flags.target` and set `plan.verification` (and `verified`). Sets
 * io.exitCode: 5 unless PASS, 130 when interrupted. Throws for bad input or a target that
 * cannot run (exit 2/4), after which nothing was measured.
 */
export async function verifyPlan(plan: CapacityPlan, runs: readonly RunRecord[], flags: VerifyFlags, io: Io): Promise<void> {
  const { judgeVerification, predictedAt, verifyRateRps, verifyRow } = await import('../plan/verify-plan.ts');
  const { runPlanVerification } = await import('../run/plan-verify-run.ts');
  const target = flags.target!;
  const row = verifyRow(plan, target, flags.verifyUsers);
  const { slo, driver: runsDriver } = planMeasuredBy(runs, target);
  const rateRps = verifyRateRps(row);
  const predicted = { rateRps: row.loadRps, ...predictedAt(plan, target, row.replicas) };
  io.out(`plan --verify: ${target}, ${row.users} users → ${row.replicas} replicas pinned, ${rateRps} req/s held (the plan's predicted ${row.loadRps.toFixed(1)} req/s)\n`);
  const log = (l: string): void => io.out(l + '\n');
  await withInterrupt(io, async (interrupt) => {
    const driver = io.driver ?? (await selectDriver(flags.driver ?? runsDriver, { harnessVersion: harnessVersion(), env: io.env, log }));
    const r = await runPlanVerification({
      target,
      replicas: row.replicas,
      rateRps,
      users: row.users,
      predictedRps: row.loadRps,
      quick: flags.quick === true,
      ...(flags.timeScale === undefined ? {} : { timeScale: flags.timeScale }),
      slo,
      driver,
      outRoot: resolve(io.cwd, flags.verifyOut),
      targetOptions: baseTargetOptions(io),
      interrupt,
      onProgress: new ProgressPrinter(log).on,
      command: ['capbench', 'plan', ...process.argv.slice(3)],
      ...runSeams(io),
    });
    plan.verification = judgeVerification({ target, users: row.users, replicas: row.replicas, runDir: r.runDir, predicted, offeredRps: rateRps, slo, step: r.step, ...(r.failure === null ? {} : { failure: r.failure }) });
    plan.verified = true;
    plan.verificationNote = `verified by ${r.runDir}`;
    io.out(`saved: ${r.runDir}\n`);
    if (r.interrupted) {
      io.err('capbench: interrupted; the partial verification run is saved\n');
      io.exitCode = ExitCode.interrupted;
    } else if (plan.verification.verdict !== 'pass') {
      io.exitCode = ExitCode.gatesFailed;
    }
  });
}
