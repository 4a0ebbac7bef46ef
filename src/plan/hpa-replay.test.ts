import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricDesiredReplicas } from './hpa-algorithm.ts';
import { replayHpa, type HpaReplayInput } from './hpa-replay.ts';

/** demand(t) for t = 0 … seconds−1 from a step function: [[fromS, value], …]. */
function steps(seconds: number, shape: Array<[number, number]>): number[] {
  return Array.from({ length: seconds }, (_, t) => shape.filter(([from]) => from <= t).at(-1)![1]);
}
const at = (r: ReturnType<typeof replayHpa>, t: number) => r.decisions.find((d) => d.t === t)!;
const run = (over: Partial<HpaReplayInput> & Pick<HpaReplayInput, 'demand'>): ReturnType<typeof replayHpa> =>
  replayHpa({ hpa: { maxReplicas: 20, targetPerPod: 100 }, initialReplicas: 4, podStartDelayS: 0, ...over });

describe('replica calculation (replica_calculator.go)', () => {
  it('desired = ⌈current × metric/target⌉ outside the 0.1 tolerance, current inside it', () => {
    const f = (total: number) => metricDesiredReplicas({ current: 4, ready: 4, unready: 0, totalMetric: total, targetPerPod: 100, tolerance: 0.1 })!.replicas;
    assert.equal(f(430), 4); // ratio 1.075
    // ratio exactly 1.1: in float64 |1 − 1.1| = 0.10000000000000009 > 0.1, so the controller scales (Go does the same)
    assert.equal(f(440), 5);
    assert.equal(f(439), 4);
    assert.equal(f(450), 5); // ratio 1.125 → ⌈4.5⌉
    assert.equal(f(370), 4); // ratio 0.925
    assert.equal(f(200), 2); // ratio 0.5
  });
  it('on a scale-up, starting pods count at 0 and can cancel it', () => {
    // 2 ready, 2 starting, 420 req/s: ratio over ready 2.1; with the starting pods at 0, 1.05 → keep 4.
    assert.equal(metricDesiredReplicas({ current: 4, ready: 2, unready: 2, totalMetric: 420, targetPerPod: 100, tolerance: 0.1 })!.replicas, 4);
    // 600 req/s: 600/4/100 = 1.5 → ⌈1.5 × 4⌉ = 6.
    assert.equal(metricDesiredReplicas({ current: 4, ready: 2, unready: 2, totalMetric: 600, targetPerPod: 100, tolerance: 0.1 })!.replicas, 6);
  });
  it('no ready pod: no decision', () => {
    assert.equal(metricDesiredReplicas({ current: 2, ready: 0, unready: 2, totalMetric: 100, targetPerPod: 100, tolerance: 0.1 }), null);
  });
});

describe('HPA replay without spec.behavior (legacy path)', () => {
  it('tolerance: 430 req/s on 4 pods (ratio 1.075) changes nothing; 450 scales to 5', () => {
    assert.ok(run({ demand: steps(40, [[0, 430]]) }).decisions.every((d) => d.desiredReplicas === 4));
    assert.equal(at(run({ demand: steps(40, [[0, 450]]) }), 0).desiredReplicas, 5);
  });
  it('scale-up is limited to max(2 × current, 4) per reconcile', () => {
    const r = run({ initialReplicas: 2, demand: steps(60, [[0, 1000]]) });
    assert.deepEqual(r.decisions.map((d) => d.desiredReplicas), [4, 8, 10, 10]);
    assert.equal(at(r, 0).limitedBy, 'ScaleUpLimit');
    assert.equal(at(r, 0).recommended, 10);
  });
  it('scale-down waits for the 300 s stabilisation window: load drops at 60 s, replicas at 345 s', () => {
    const r = run({ demand: steps(400, [[0, 400], [60, 100]]) });
    assert.equal(at(r, 60).recommended, 1);
    assert.equal(at(r, 60).desiredReplicas, 4);
    assert.equal(at(r, 60).limitedBy, 'ScaleDownStabilized');
    assert.equal(at(r, 330).desiredReplicas, 4); // the last recommendation of 4 (45 s) is still in (30, 330]
    assert.equal(at(r, 345).desiredReplicas, 1);
    assert.equal(r.seconds[344]!.desiredReplicas, 4);
    assert.equal(r.seconds[345]!.desiredReplicas, 1);
  });
  it('replicas above maxReplicas are brought down to it', () => {
    const r = run({ initialReplicas: 12, hpa: { maxReplicas: 10, targetPerPod: 100 }, demand: steps(20, [[0, 1200]]) });
    assert.equal(at(r, 0).desiredReplicas, 10);
    assert.equal(at(r, 0).limitedBy, 'TooManyReplicas');
  });
  it('new pods are ready podStartDelayS later, and starting pods damp the next reconcile', () => {
    const r = run({ initialReplicas: 2, podStartDelayS: 30, demand: steps(40, [[0, 400], [10, 420]]) });
    assert.equal(at(r, 0).desiredReplicas, 4);
    assert.equal(r.seconds[29]!.readyReplicas, 2);
    assert.equal(r.seconds[30]!.readyReplicas, 4);
    // t = 15: 2 ready + 2 starting, 420 req/s → 1.05 with the starting pods at 0: stays 4 (not ⌈2.1 × 2⌉ = 5)
    assert.equal(at(r, 15).desiredReplicas, 4);
    assert.equal(r.seconds[20]!.perPod, 210);
  });
  it('the metric lags the load by metricDelayS', () => {
    const demand = steps(60, [[0, 400], [20, 800]]);
    assert.equal(at(run({ demand, metricDelayS: 10 }), 30).desiredReplicas, 8);
    assert.equal(at(run({ demand, metricDelayS: 20 }), 30).desiredReplicas, 4);
    assert.equal(at(run({ demand, metricDelayS: 20 }), 45).desiredReplicas, 8);
  });
});

describe('HPA replay with spec.behavior', () => {
  const hpa = (behavior: NonNullable<HpaReplayInput['hpa']['behavior']>, maxReplicas = 100) => ({ maxReplicas, targetPerPod: 100, behavior });
  it('default rules (behavior: {}) allow max(+4 pods, +100 %) per 15 s, unlike the legacy limit', () => {
    const r = run({ initialReplicas: 2, hpa: hpa({}), demand: steps(20, [[0, 1000]]) });
    assert.equal(at(r, 0).desiredReplicas, 6);
  });
  it('Pods policy: +2 per 60 s; a change leaves the period exactly one period later', () => {
    const r = run({ initialReplicas: 2, hpa: hpa({ scaleUp: { policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] } }), demand: steps(130, [[0, 1000]]) });
    assert.deepEqual([0, 15, 45, 60, 75, 120].map((t) => at(r, t).desiredReplicas), [4, 4, 4, 6, 6, 8]);
    assert.equal(at(r, 15).limitedBy, 'ScaleUpLimit');
  });
  it('selectPolicy Max takes the larger of Pods 4 and Percent 100, Min the smaller, Disabled none', () => {
    const policies = [{ type: 'Pods' as const, value: 4, periodSeconds: 15 }, { type: 'Percent' as const, value: 100, periodSeconds: 15 }];
    const first = (selectPolicy: 'Max' | 'Min' | 'Disabled') =>
      at(run({ initialReplicas: 10, hpa: hpa({ scaleUp: { policies, selectPolicy } }), demand: steps(20, [[0, 5000]]) }), 0).desiredReplicas;
    assert.equal(first('Max'), 20);
    assert.equal(first('Min'), 14);
    assert.equal(first('Disabled'), 10);
  });
  it('Percent scale-down truncates: 50 % per period lets 9 pods go down to ⌊9 × 0.5⌋ = 4, not 5', () => {
    const r = run({ initialReplicas: 9, hpa: hpa({ scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } }), demand: steps(20, [[0, 100]]) });
    assert.equal(at(r, 0).desiredReplicas, 4);
    assert.equal(at(r, 0).limitedBy, 'ScaleDownLimit');
  });
  it('scale-down stabilisation of 60 s: load drops at 60 s, replicas at 105 s', () => {
    const r = run({ hpa: hpa({ scaleDown: { stabilizationWindowSeconds: 60 } }), demand: steps(130, [[0, 400], [60, 100]]) });
    assert.deepEqual([60, 90, 105].map((t) => at(r, t).desiredReplicas), [4, 4, 1]);
    assert.equal(at(r, 90).limitedBy, 'ScaleDownStabilized');
  });
  it('scale-down Disabled never removes a pod', () => {
    const r = run({ hpa: hpa({ scaleDown: { selectPolicy: 'Disabled', stabilizationWindowSeconds: 0 } }), demand: steps(100, [[0, 100]]) });
    assert.ok(r.decisions.every((d) => d.desiredReplicas === 4));
  });
  it('scale-up stabilisation of 30 s takes the lowest recent recommendation: load doubles at 20 s, replicas at 45 s', () => {
    const r = run({ initialReplicas: 2, hpa: hpa({ scaleUp: { stabilizationWindowSeconds: 30 } }), demand: steps(60, [[0, 200], [20, 400]]) });
    assert.equal(at(r, 30).recommended, 4);
    assert.equal(at(r, 30).desiredReplicas, 2);
    assert.equal(at(r, 30).limitedBy, 'ScaleUpStabilized');
    assert.equal(at(r, 45).desiredReplicas, 4);
  });
  it('refuses impossible specs with the message shape of model/errors', () => {
    assert.throws(() => run({ hpa: { maxReplicas: 0, targetPerPod: 100 }, demand: [1] }), /replayHpa: hpa.maxReplicas must be an integer ≥ minReplicas/);
    assert.throws(() => run({ demand: [1, -1] }), /demand value must be finite and ≥ 0/);
  });
});
