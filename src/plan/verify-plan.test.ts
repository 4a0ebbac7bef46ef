import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExitCode, HarnessError, type CapacityStep } from '../model/index.ts';
import { syntheticCapacityTarget, syntheticRun } from '../testing/capacity-run.ts';
import { buildCapacityPlan } from './capacity-plan.ts';
import { planMarkdown } from './plan-files.ts';
import { judgeVerification, predictedAt, verifyRateRps, verifyRow, type VerifyInput } from './verify-plan.ts';

const SLO = { p95Ms: 500, errorRate: 0.01 };
/** a measured step at 40 req/s offered, 15 s measured; each test changes what it is about */
const step = (o: Partial<CapacityStep> = {}): CapacityStep => ({
  index: 0, startS: 10, endS: 30, settleS: 5, offeredRps: 40, achievedRps: 39.6, requests: 594, failures: 0, errorRate: 0, dropped: 0,
  p50Ms: 20, p95Ms: 80, p99Ms: 120, cpuPercentPerReplica: 30, meetsSlo: true, bound: 'app', generatorBoundS: 0, hostBoundS: 0, ...o,
});
const input = (s: CapacityStep | null, o: Partial<VerifyInput> = {}): VerifyInput => ({
  target: 'local', users: 100, replicas: 2, runDir: 'reports/capacity-x', predicted: { rateRps: 40.2, capacityRps: 70, lowerRps: 65, upperRps: 75 }, offeredRps: 40, slo: SLO, step: s, ...o,
});

describe('judgeVerification', () => {
  it('PASS: the SLO held at the predicted size and the rate was carried; the error is measured vs the rate offered', () => {
    const v = judgeVerification(input(step()));
    assert.equal(v.verdict, 'pass', v.reason);
    assert.ok(Math.abs(v.errorPct! - (100 * (39.6 - 40)) / 40) < 1e-9);
    assert.equal(v.measured?.measuredS, 15);
    assert.match(v.reason, /p95 80 ms ≤ 500 ms/);
  });

  it('FAIL names each limit broken: p95, errors, the rate not carried', () => {
    assert.match(judgeVerification(input(step({ p95Ms: 900, meetsSlo: false }))).reason, /p95 900 ms > SLO 500 ms/);
    const errs = judgeVerification(input(step({ errorRate: 0.05, meetsSlo: false })));
    assert.equal(errs.verdict, 'fail');
    assert.match(errs.reason, /errors 5\.0 % > SLO 1\.0 %/);
    const short = judgeVerification(input(step({ achievedRps: 30 })));
    assert.equal(short.verdict, 'fail');
    assert.match(short.reason, /carried 30\.0 of 40 req\/s offered/);
    assert.equal(judgeVerification(input(step({ p95Ms: null, meetsSlo: false }))).verdict, 'fail');
  });

  it('NOT EVIDENCE when the generator or the host was bound — saying which — even with the SLO broken', () => {
    const gen = judgeVerification(input(step({ bound: 'generator', generatorBoundS: 9, p95Ms: 900 })));
    assert.equal(gen.verdict, 'not-evidence');
    assert.match(gen.reason, /^generator-bound: .* 9 of 15 s/);
    const host = judgeVerification(input(step({ bound: 'host', hostBoundS: 14 })));
    assert.equal(host.verdict, 'not-evidence');
    assert.match(host.reason, /^host-bound: .* 14 of 15 s/);
    const both = judgeVerification(input(step({ bound: 'generator', generatorBoundS: 1, hostBoundS: 13 })));
    assert.match(both.reason, /^generator-bound: .* 1 of 15 s, and the machine's CPU was ≥ 95 % busy in 13 of 15 s/);
  });

  it('NOT EVIDENCE without a measured step, with the failure', () => {
    const v = judgeVerification(input(null, { failure: 'scaling to 2 replicas failed' }));
    assert.equal(v.verdict, 'not-evidence');
    assert.equal(v.measured, null);
    assert.equal(v.errorPct, null);
    assert.match(v.reason, /scaling to 2 replicas failed/);
  });
});

describe('verifyRow', () => {
  const USL = { lambdaRps: 40, sigma: 0.05, kappa: 0 };
  const runs = [0.98, 1, 1.02].map((w, i) => syntheticRun('capacity', [syntheticCapacityTarget({ name: 'local', kind: 'local', usl: USL, replicas: [1, 2, 3], wobble: () => w })], `cap-${i}`));
  const plan = buildCapacityPlan(runs, runs.map((r) => r.runId), { users: [50, 100], headroom: 0.2, nodeCpuCores: 4, nodeMemoryMiB: 16384, podMemoryMiB: 64, composeReplicaCpu: 0.25, composeBalancerCpu: 0.5, hostCpuCores: 8, resamples: 100 });

  it('a plan without --verify says "not verified" in plan.json and plan.md', () => {
    assert.equal(plan.verification, null);
    assert.equal(plan.verificationNote, 'nothing was measured at the recommended sizes');
    assert.match(planMarkdown(plan), /## Self-checks\n\n- \*\*Verification\*\*: not verified/);
    assert.match(planMarkdown(plan), /\*\*Hold-out\*\* local: fit on 1, 2 replicas predicts/);
  });

  it('checks the first user count by default, at the plan\'s size and rate, with the plan\'s own band', () => {
    const row = verifyRow(plan, 'local');
    assert.equal(row.users, 50);
    assert.equal(verifyRateRps(row), Math.round(row.loadRps));
    const p = predictedAt(plan, 'local', row.replicas);
    assert.ok(Math.abs(p.capacityRps - row.predictedRps) < 1e-9);
    assert.ok(Math.abs(p.lowerRps - row.predictedLowerRps) < 1e-9, 'same seed and data: the same band as the plan row');
    assert.equal(verifyRow(plan, 'local', 100).users, 100);
  });

  it('a verification run passed with the capacity runs is never pooled into the fit', () => {
    const check = syntheticRun('capacity', [syntheticCapacityTarget({ name: 'local', kind: 'local', usl: { ...USL, lambdaRps: 5 }, replicas: [2] })], 'verify-run');
    check.targets[0]!.capacity!.verifies = { users: 50, predictedRps: 49 };
    const withIt = buildCapacityPlan([...runs, check], [...runs.map((r) => r.runId), check.runId], plan.options);
    assert.deepEqual(withIt.models[0]!.observations, plan.models[0]!.observations);
    assert.deepEqual(withIt.rows, plan.rows);
  });

  it('bad input is a usage error naming the flag', () => {
    const code = (f: () => unknown, re: RegExp): void => {
      assert.throws(f, (e: unknown) => e instanceof HarnessError && e.exitCode === ExitCode.usage && re.test(e.message));
    };
    code(() => verifyRow(plan, 'compose'), /^--target: must be a target of the plan's capacity runs, one of local \(got compose\)/);
    code(() => verifyRow(plan, 'local', 150), /^--verify-users: must be one of --users 50,100 \(got 150\)/);
  });
});
