import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spikeFull } from '../../scenarios/lib/spike.ts';
import { ExitCode, HarnessError } from '../model/index.ts';
import { composeDayCost, kubernetesDayCost, parseTraffic, spikeShapedDay } from './cost-plan.ts';

describe('spikeShapedDay', () => {
  it('stretches the spike over 24 h, each hour the users at its middle, scaled to the peak', () => {
    const day = spikeShapedDay(spikeFull.startVUs, spikeFull.stages, 1000);
    assert.equal(day.length, 24);
    // 1800 s of profile → 75 s per hour; hour h read at (h + 0.5) × 75 s
    assert.equal(day[0], 100); // baseline 10 of 100
    assert.ok(Math.abs(day[4]! - 662.5) < 1e-9); // t = 337.5 s: 37.5 s into the 60 s ramp 10 → 100
    assert.equal(day[5], 1000);
    assert.equal(day[12], 1000);
    assert.ok(Math.abs(day[13]! - 300) < 1e-9); // t = 1012.5 s: 52.5 s into the drop 100 → 20
    assert.equal(day[23], 200);
  });
});

describe('parseTraffic', () => {
  const day = Array.from({ length: 24 }, (_, h) => `${h},${h * 10}`).join('\n');
  it('reads hour,users with or without a header', () => {
    assert.deepEqual(parseTraffic(day, 'day.csv'), Array.from({ length: 24 }, (_, h) => h * 10));
    assert.deepEqual(parseTraffic(`hour,users\n${day}\n`, 'day.csv')[23], 230);
  });
  for (const [name, text, pattern] of [
    ['a missing hour', day.split('\n').slice(1).join('\n'), /must be all of 0…23 \(got "missing 0"\)/],
    ['an hour twice', `${day}\n5,1`, /hour 5 must be given once/],
    ['an hour 24', `${day}\n24,1`, /hour 0…23/],
    ['negative users', day.replace('3,30', '3,-1'), /users ≥ 0/],
    ['a third column', day.replace('3,30', '3,30,x'), /`hour,users`/],
  ] as const) {
    it(`refuses ${name} (exit 3)`, () => {
      assert.throws(() => parseTraffic(text, 'day.csv'), (e: unknown) => e instanceof HarnessError && e.exitCode === ExitCode.badConfig && pattern.test(e.message));
    });
  }
});

describe('kubernetesDayCost', () => {
  // 1 req/s per user × 10 core-ms per request: 50 users = 500 millicores = 5 pods at 100 % of 100m
  const base = { target: 'k', perUserRps: 1, cpuMsPerRequest: 10, podCpuRequestMillicores: 100, settings: { minReplicas: 1, maxReplicas: 20, cpuPercent: 100 }, podStartDelayS: 30, metricDelayS: 15, podsPerNode: 4, nodeCpuCores: 2 };

  it('a flat day: the pods the load needs, all day; nodes with one spare; priced per node-hour or per vCPU-hour', () => {
    const flat = new Array<number>(24).fill(50);
    const c = kubernetesDayCost({ ...base, traffic: flat, prices: { nodeHour: 0.5 } });
    assert.equal(c.peakPods, 5);
    assert.equal(c.podHours, 120);
    assert.equal(c.fixedNodes, 3); // ⌈5 / 4⌉ + 1
    assert.equal(c.fixedNodeHours, 72);
    assert.equal(c.followingNodeHours, 72);
    assert.equal(c.costFixed, 36);
    assert.ok(Math.abs(kubernetesDayCost({ ...base, traffic: flat, prices: { vcpuHour: 0.1 } }).costFixed! - 14.4) < 1e-9); // 72 node-h × 2 vCPU × 0.1
    assert.equal(kubernetesDayCost({ ...base, traffic: flat, prices: {} }).costFixed, null);
  });

  it('a day of two halves: the autoscaler follows, nodes that follow the pods cost less than nodes fixed for the peak', () => {
    const halves = [...new Array<number>(12).fill(10), ...new Array<number>(12).fill(50)];
    const c = kubernetesDayCost({ ...base, traffic: halves, prices: { nodeHour: 1 } });
    assert.equal(c.peakPods, 5);
    assert.ok(c.podHours > 71.9 && c.podHours <= 72, `pod-hours ${c.podHours}`); // 12 × 1 + 12 × 5, less the ~30 s the HPA takes to react
    assert.equal(c.followingNodeHours, 12 * 2 + 12 * 3);
    assert.equal(c.costFollowing, 60);
    assert.equal(c.costFixed, 72);
  });
});

describe('composeDayCost', () => {
  it('sizes one host for the peak, all day', () => {
    const c = composeDayCost({ target: 'compose', peakReplicas: 6, replicaCpu: 0.25, balancerCpu: 0.5, hostCpuCores: 8, prices: { vcpuHour: 0.1 } });
    assert.equal(c.hostCpuCores, 2);
    assert.ok(Math.abs(c.cost! - 24 * 8 * 0.1) < 1e-9);
    assert.equal(composeDayCost({ target: 'compose', peakReplicas: 6, replicaCpu: 0.25, balancerCpu: 0.5, hostCpuCores: 8, prices: { hostHour: 2 } }).cost, 48);
  });
});
