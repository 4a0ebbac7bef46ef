import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CapacityStep } from '../model/index.ts';
import { p95AtLoad, planAutoscaler, replayAutoscaler, type AutoscalerInput } from './autoscaler-plan.ts';

const step = (achievedRps: number, p95Ms: number | null, bound: CapacityStep['bound'] = 'app'): CapacityStep => ({
  index: 0, startS: 0, endS: 10, settleS: 2, offeredRps: achievedRps, achievedRps, requests: 100, failures: 0, errorRate: 0, dropped: 0,
  p50Ms: p95Ms, p95Ms, p99Ms: p95Ms, cpuPercentPerReplica: null, meetsSlo: true, bound, generatorBoundS: 0, hostBoundS: 0,
});

/** one pod carries 10 req/s at the SLO and spends 10 core-ms per request (100 % of a 100m request at 10 req/s) */
const BASE: AutoscalerInput = {
  target: 'local-k8s', users: 100, startUsers: 10,
  stages: [{ durationS: 30, target: 10 }, { durationS: 120, target: 100 }, { durationS: 120, target: 100 }],
  rampStartS: 30, perUserRps: 1, podCapacityRps: 10, cpuMsPerRequest: 10, podCpuRequestMillicores: 100, headroom: 0.25, maxReplicas: 13,
  current: { minReplicas: 2, maxReplicas: 10, cpuPercent: 70 }, podStartDelayS: 20, podStartFrom: 'spike run', measuredScaleUpReactionS: 17,
  metricDelayS: 15, steps: [{ replicas: 1, step: step(2, 50) }, { replicas: 2, step: step(16, 150) }, { replicas: 1, step: step(12, 900, 'generator') }],
};

describe('p95AtLoad', () => {
  it('reads p95 off the app-bound steps per replica, linearly, and not beyond them', () => {
    assert.equal(p95AtLoad(BASE.steps, 1), 50);
    assert.equal(p95AtLoad(BASE.steps, 5), 100); // halfway between 2 → 50 ms and 8 → 150 ms
    assert.equal(p95AtLoad(BASE.steps, 8), 150);
    assert.equal(p95AtLoad(BASE.steps, 9), null); // the 12 req/s step was generator-bound
  });

  it('reads against the offered load, never lower for more load per replica', () => {
    const overloaded = { ...step(6, 4000), offeredRps: 12 }; // offered 12, achieved 6: p95 soars
    const steps = [{ replicas: 1, step: step(4, 100) }, { replicas: 2, step: step(20, 80) }, { replicas: 1, step: overloaded }];
    assert.equal(p95AtLoad(steps, 6), 100); // 4 → 100 and 10 → 80 held at 100; against achieved, 6 would read 4000
    assert.equal(p95AtLoad(steps, 11), 100 + (4000 - 100) / 2); // halfway from 10 → 100 to 12 → 4000
  });
});

describe('planAutoscaler', () => {
  const plan = planAutoscaler(BASE);

  it('sets the CPU target at or below the knee less the headroom', () => {
    // 10 req/s / 1.25 = 8 req/s × 10 core-ms = 80 millicores of a 100m request
    assert.ok(plan.recommended.settings.cpuPercent <= 80 && plan.recommended.settings.cpuPercent >= 80 / 3);
    assert.equal((80 - plan.recommended.settings.cpuPercent) % 5, 0);
    assert.equal(plan.recommended.settings.maxReplicas, 13);
  });

  it('a ramp faster than the HPA can react needs a floor that carries the peak', () => {
    const sudden = planAutoscaler({ ...BASE, stages: [{ durationS: 30, target: 10 }, { durationS: 5, target: 100 }, { durationS: 120, target: 100 }] });
    assert.equal(sudden.recommended.overCapacityS, 0);
    assert.ok(sudden.recommended.settings.minReplicas * 10 >= 100, `floor ${sudden.recommended.settings.minReplicas}`);
  });

  it('picks the smallest minReplicas that keeps every pod within capacity through the ramp', () => {
    const min = plan.recommended.settings.minReplicas;
    assert.equal(plan.recommended.overCapacityS, 0);
    assert.ok(min > 1 && min <= 13, `min ${min}`);
    const fewer = replayAutoscaler(BASE, { ...plan.recommended.settings, minReplicas: min - 1 });
    assert.ok(fewer.overCapacityS > 0, 'one fewer leaves seconds over capacity');
  });

  it('slower pod starts hurt the current settings more, and the recommendation still holds', () => {
    const fast = planAutoscaler({ ...BASE, podStartDelayS: 0 });
    const slow = planAutoscaler({ ...BASE, podStartDelayS: 90 });
    assert.ok(slow.current.overCapacityS > fast.current.overCapacityS);
    assert.equal(slow.recommended.overCapacityS, 0);
  });

  it('replays the current settings beside it: max 10 pods at 10 req/s each just carry 100 req/s, late', () => {
    assert.deepEqual(plan.current.settings, BASE.current);
    assert.ok(plan.current.overCapacityS > 0, 'the shipped floor of 2 and 70 % are too slow for this ramp');
    assert.ok(plan.current.peakReplicas <= 10);
    assert.ok(plan.current.scaleUpReactionS !== null && plan.current.scaleUpReactionS >= 0);
    assert.equal(plan.measuredScaleUpReactionS, 17);
  });

  it('says so when even min = max cannot carry the peak', () => {
    const small = planAutoscaler({ ...BASE, maxReplicas: 5 });
    assert.equal(small.recommended.settings.minReplicas, 5);
    assert.ok(small.recommended.overCapacityS > 0);
    assert.match(small.note, /leaves \d+ s over capacity/);
  });
});
