/**
 * A row's reach (capacity-plan.ts `reachOf`): 'probed' only for a replica count with a measured
 * capacity at SLO; a count probed without one (every step generator-bound, or no step met the
 * SLO) says so. Synthetic runs of a known USL curve (src/testing/capacity-run.ts); the user
 * counts are chosen so the load × 1.2 lies halfway between two counts' true capacities.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spikeFull } from '../../scenarios/lib/spike.ts';
import type { PlanOptions } from '../model/plan.ts';
import type { ReplicaCapacity, RunRecord } from '../model/index.ts';
import { syntheticCapacityTarget, syntheticRun } from '../testing/capacity-run.ts';
import { buildCapacityPlan } from './capacity-plan.ts';
import { meanThinkTimeMs } from './users-to-rate.ts';
import { uslThroughput } from './usl-model.ts';

const USL = { lambdaRps: 50, sigma: 0.05, kappa: 0.002 };
const WOBBLE = [0.98, 1, 1.02];
const perUserRps = 1 / ((meanThinkTimeMs(spikeFull.thinkTimeMs) + 20) / 1000);
/** users whose load × 1.2 is halfway between the true capacities at n − 1 and n: the plan must answer n */
const usersForCount = (n: number): number => (uslThroughput(USL, n - 1) + uslThroughput(USL, n)) / 2 / 1.2 / perUserRps;
const OPTS: Omit<PlanOptions, 'users'> = { headroom: 0.2, nodeCpuCores: 4, nodeMemoryMiB: 4096, podMemoryMiB: 64, composeReplicaCpu: 0.25, composeBalancerCpu: 0.5, hostCpuCores: 8, resamples: 200 };

/** three probes of compose at `replicas`, `change` applied to each count's entry */
function runsOf(replicas: number[], change: (r: ReplicaCapacity) => void = () => {}): RunRecord[] {
  return WOBBLE.map((w, i) => {
    const run = syntheticRun('capacity', [syntheticCapacityTarget({ name: 'compose', kind: 'compose', usl: USL, replicas, wobble: () => w })], `cap-${i}`);
    run.targets[0]!.capacity!.byReplicas.forEach(change);
    return run;
  });
}
/** no capacity at SLO at this count: every step `bound` (app: the SLO was never met) */
const unmeasured = (r: ReplicaCapacity, bound: 'app' | 'generator'): void => {
  r.capacityAtSloRps = null;
  r.kneeStepIndex = null;
  r.steps = r.steps.map((s) => ({ ...s, bound, meetsSlo: false, generatorBoundS: bound === 'generator' ? 15 : 0 }));
};
const rowFor = (runs: RunRecord[], n: number) => {
  const plan = buildCapacityPlan(runs, runs.map((r) => `reports/${r.runId}`), { ...OPTS, users: [usersForCount(n)] });
  const row = plan.rows[0]!;
  assert.equal(row.replicas, n, `the plan answers ${n} (got ${row.replicas}: ${row.note})`);
  return row;
};

describe('plan reach', () => {
  it('a count with a measured capacity is probed, with no note about it', () => {
    const row = rowFor(runsOf([1, 2, 3, 4]), 3);
    assert.equal(row.reach, 'probed');
    assert.equal(row.note, 'fits one 8-core host');
  });

  it('a count whose capacity is only a floor is probed, and the note says "a floor" and which bound', () => {
    const runs = runsOf([1, 2, 3, 4], (r) => {
      if (r.replicas !== 2) return;
      r.capacityIsLowerBound = true;
      r.steps = [...r.steps, { ...r.steps[0]!, index: 1, bound: 'host', hostBoundS: 15, meetsSlo: false }];
    });
    const row = rowFor(runs, 2);
    assert.equal(row.reach, 'probed');
    assert.match(row.note, /^the measured capacity at 2 replicas is only a floor: the step after its knee was host-bound .* — measure again on a quiet machine; fits one 8-core host$/);
  });

  it('a count probed with every step generator-bound is not probed: interpolated, saying it was probed but not measured and why', () => {
    const row = rowFor(runsOf([1, 2, 3, 4], (r) => r.replicas === 3 && unmeasured(r, 'generator')), 3);
    assert.equal(row.reach, 'interpolated');
    assert.match(row.note, /^probed at 3 but not measured — no capacity at SLO was measured at 3 replicas: 3 of its steps were generator-bound .*; the fit between the measured counts \(1, 2, 4\) decides; /);
  });

  it('a count between the measured ones that was never probed is interpolated, "not probed"', () => {
    const row = rowFor(runsOf([1, 2, 4]), 3);
    assert.equal(row.reach, 'interpolated');
    assert.match(row.note, /^3 replicas not probed; the fit between the measured counts \(1, 2, 4\) decides; /);
  });

  it('the largest probed count without a capacity (the SLO never met) does not extend the probed range: beyond probed, saying why', () => {
    const row = rowFor(runsOf([1, 2, 3, 4], (r) => r.replicas === 4 && unmeasured(r, 'app')), 4);
    assert.equal(row.reach, 'beyond-probed');
    assert.match(row.note, /^largest count with a measured capacity: 3; probed at 4 but not measured — no capacity at SLO was measured at 4 replicas: no step met the SLO there; /);
  });
});
