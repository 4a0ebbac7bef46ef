import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spikeFull } from '../../scenarios/lib/spike.ts';
import { ExitCode, HarnessError } from '../model/index.ts';
import { syntheticCapacityTarget, syntheticRun } from '../testing/capacity-run.ts';
import type { PlanOptions } from '../model/plan.ts';
import { buildCapacityPlan } from './capacity-plan.ts';
import { planCsv, planMarkdown } from './plan-files.ts';
import { meanThinkTimeMs } from './users-to-rate.ts';
import { uslThroughput } from './usl-model.ts';

const USL = { lambdaRps: 50, sigma: 0.05, kappa: 0.002 };
const WOBBLE = [0.98, 1, 1.02];
/** three probes of the same known curve, each off by a fixed factor (pooled per count) */
const runs = WOBBLE.map((w, i) =>
  syntheticRun('capacity', [
    syntheticCapacityTarget({ name: 'local-k8s', kind: 'kubernetes', usl: USL, replicas: [1, 2, 3, 4], wobble: () => w, kneeP50Ms: 20, kneeCpuPercent: 24 }),
    syntheticCapacityTarget({ name: 'compose', kind: 'compose', usl: USL, replicas: [1, 2, 3, 4], wobble: () => w, kneeP50Ms: 20 }),
  ], `cap-${i}`),
);
const dirs = runs.map((r) => `reports/${r.runId}`);
const perUserRps = 1 / ((meanThinkTimeMs(spikeFull.thinkTimeMs) + 20) / 1000);
/** users whose load × 1.2 is `rps` */
const usersFor = (rps: number): number => rps / 1.2 / perUserRps;
const OPTS: PlanOptions = { users: [usersFor(120), usersFor(10 * 370)], headroom: 0.2, nodeCpuCores: 1, nodeMemoryMiB: 4096, podMemoryMiB: 64, composeReplicaCpu: 0.25, composeBalancerCpu: 0.5, hostCpuCores: 8, resamples: 200 };

function code(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof HarnessError, String(e));
    assert.doesNotMatch(e.message, /NaN|Infinity/);
    return e.exitCode;
  }
  assert.fail('expected a HarnessError');
}

describe('buildCapacityPlan', () => {
  const plan = buildCapacityPlan(runs, dirs, OPTS);

  it('recovers the known curve from pooled probes', () => {
    const k8s = plan.models.find((m) => m.target === 'local-k8s')!;
    assert.ok(Math.abs(k8s.fit.params.lambdaRps - USL.lambdaRps) / USL.lambdaRps < 0.03, `λ ${k8s.fit.params.lambdaRps}`);
    assert.ok(k8s.fit.kappaFitted);
    assert.deepEqual(k8s.observations.map((o) => o.throughputRps.length), [3, 3, 3, 3]);
    assert.ok(Math.abs(k8s.perUserRps - perUserRps) < 1e-9);
    assert.equal(k8s.responseFrom, 'knee p50');
  });

  it('picks the smallest count whose lower band carries load × (1 + headroom)', () => {
    const smallestTrue = [1, 2, 3, 4, 5, 6].find((n) => uslThroughput(USL, n) >= 120)!;
    assert.equal(smallestTrue, 3);
    for (const target of ['local-k8s', 'compose']) {
      const row = plan.rows.find((r) => r.target === target && r.users === OPTS.users[0])!;
      assert.ok(Math.abs(row.neededRps - 120) < 1e-6);
      assert.ok(row.replicas === 3 || row.replicas === 4, `replicas ${row.replicas}`);
      assert.ok(row.predictedLowerRps! >= row.neededRps);
      assert.equal(row.reach, 'probed');
    }
  });

  it('sizes nodes with one spare and the Compose host by CPU', () => {
    const k8s = plan.rows.find((r) => r.target === 'local-k8s' && r.users === OPTS.users[0])!;
    const model = plan.models.find((m) => m.target === 'local-k8s')!;
    assert.equal(model.podCpuMillicores, 240);
    assert.equal(model.podsPerNode, 4); // 1000m / 240m
    assert.equal(k8s.nodes, Math.ceil(k8s.replicas! / 4) + 1);
    const compose = plan.rows.find((r) => r.target === 'compose' && r.users === OPTS.users[0])!;
    assert.equal(compose.hostCpuCores, compose.replicas! * 0.25 + 0.5);
    assert.equal(compose.nodes, null);
  });

  it('says a load beyond the curve\'s peak cannot be reached, with no bare number', () => {
    const row = plan.rows.find((r) => r.target === 'local-k8s' && r.users === OPTS.users[1])!;
    assert.equal(row.reach, 'unreachable');
    assert.equal(row.replicas, null);
    assert.match(row.note, /cannot be reached by adding replicas: the fit peaks at N\* ≈ 2\d\.\d/);
  });

  it('writes tables without NaN or Infinity', () => {
    for (const text of [planMarkdown(plan), planCsv(plan), JSON.stringify(plan)]) assert.doesNotMatch(text, /NaN|Infinity|undefined/);
    assert.match(planMarkdown(plan), /\| local-k8s \| \d+(\.\d+)? \| 100\.0 req\/s \| 120\.0 req\/s \| [34] \|/);
    assert.match(planMarkdown(plan), /not verified/);
  });

  it('fits σ only with two replica counts and says so', () => {
    const two = [syntheticRun('capacity', [syntheticCapacityTarget({ name: 'compose', kind: 'compose', usl: { ...USL, kappa: 0 }, replicas: [1, 2] })])];
    const p = buildCapacityPlan(two, ['two'], { ...OPTS, users: [10] });
    assert.equal(p.models[0]!.fit.kappaFitted, false);
    assert.match(planMarkdown(p), /κ = 0 \(not fitted: 2 replica counts\)/);
  });
});

describe('buildCapacityPlan refuses what it cannot plan from', () => {
  it('no capacity run among the runs (3), and a run of a scenario the plan does not use (3)', () => {
    assert.equal(code(() => buildCapacityPlan([syntheticRun('spike', [])], ['reports/spike'], OPTS)), ExitCode.badConfig);
    assert.equal(code(() => buildCapacityPlan([...runs, syntheticRun('rolling-update', [])], [...dirs, 'reports/rollout'], OPTS)), ExitCode.badConfig);
  });
  it('a capacity run with one replica count (3), naming the command to run', () => {
    const one = [syntheticRun('capacity', [syntheticCapacityTarget({ name: 'compose', kind: 'compose', usl: USL, replicas: [2] })])];
    try {
      buildCapacityPlan(one, ['one'], OPTS);
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof HarnessError);
      assert.equal(e.exitCode, ExitCode.badConfig);
      assert.match(e.message, /2 or more replica counts/);
      assert.match(e.hint ?? '', /npx capbench run capacity --target compose --replicas 1,2,4/);
    }
  });
  it('a capacity run where the SLO was never met (3)', () => {
    const t = syntheticCapacityTarget({ name: 'compose', kind: 'compose', usl: USL, replicas: [1, 2, 3] });
    for (const r of t.capacity!.byReplicas) r.capacityAtSloRps = null;
    assert.equal(code(() => buildCapacityPlan([syntheticRun('capacity', [t])], ['never'], OPTS)), ExitCode.badConfig);
  });
  it('flat, noisy data that no scaling curve fits (3)', () => {
    const wob = [1.6, 0.5, 1.4, 0.55];
    const t = syntheticCapacityTarget({ name: 'compose', kind: 'compose', usl: { lambdaRps: 50, sigma: 1, kappa: 0 }, replicas: [1, 2, 3, 4], wobble: (n) => wob[n - 1]! });
    assert.equal(code(() => buildCapacityPlan([syntheticRun('capacity', [t])], ['noisy'], OPTS)), ExitCode.badConfig);
  });
  it('user counts ≤ 0 and a headroom out of range (2)', () => {
    assert.equal(code(() => buildCapacityPlan(runs, dirs, { ...OPTS, users: [0] })), ExitCode.usage);
    assert.equal(code(() => buildCapacityPlan(runs, dirs, { ...OPTS, users: [] })), ExitCode.usage);
    assert.equal(code(() => buildCapacityPlan(runs, dirs, { ...OPTS, headroom: -1 })), ExitCode.usage);
  });
});
