import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syntheticCapacityTarget, syntheticRun } from '../testing/capacity-run.ts';
import type { PlanOptions } from '../model/plan.ts';
import { buildCapacityPlan } from './capacity-plan.ts';
import { capacityRegressions } from './plan-regression.ts';

const OPTS: PlanOptions = { users: [10], headroom: 0.2, nodeCpuCores: 4, nodeMemoryMiB: 16384, podMemoryMiB: 64, composeReplicaCpu: 0.25, composeBalancerCpu: 0.5, hostCpuCores: 8, resamples: 200 };
const USL = { lambdaRps: 50, sigma: 0.05, kappa: 0.002 };
/** several probes of one curve, each off by a fixed factor: a band with spread */
function probes(lambdaRps: number, wobbles: number[]): ReturnType<typeof buildCapacityPlan> {
  const runs = wobbles.map((w, i) => syntheticRun('capacity', [syntheticCapacityTarget({ name: 'local-k8s', kind: 'kubernetes', usl: { ...USL, lambdaRps }, replicas: [1, 2, 3, 4], wobble: (n) => w * (1 + 0.01 * ((n + i) % 3)) })], `r${i}`));
  return buildCapacityPlan(runs, runs.map((r) => r.runId), OPTS);
}

describe('capacityRegressions', () => {
  const baseline = probes(50, [0.96, 1, 1.04]);

  it('does not flag a λ inside the baseline band', () => {
    const [r] = capacityRegressions(probes(49, [0.97, 1, 1.03]), baseline);
    assert.equal(r!.basis, 'band');
    assert.ok(r!.lambdaRps >= r!.baselineRange[0]);
    assert.equal(r!.flagged, false);
  });

  it('flags a λ below the band: per-replica capacity dropped', () => {
    const [r] = capacityRegressions(probes(35, [0.97, 1, 1.03]), baseline);
    assert.equal(r!.flagged, true);
    assert.ok(r!.change < -0.2 && r!.change > -0.4, `change ${r!.change}`);
  });

  it('without spread in the baseline: a fixed 10 % margin, and says so', () => {
    const single = probes(50, [1]);
    const small = capacityRegressions(probes(47, [1]), single)[0]!;
    assert.equal(small.basis, 'fixed margin (the baseline band has no spread)');
    assert.equal(small.flagged, false);
    assert.equal(capacityRegressions(probes(40, [1]), single)[0]!.flagged, true);
  });
});
