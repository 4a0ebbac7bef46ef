import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CapacityStep, LoadSecond, PlatformSecond } from '../model/index.ts';
import { cpuPercentPerReplica, probeStop, replicaCapacity, startStep, stepAt, stepFigures } from './capacity.ts';
import type { SecondHealth } from './generator-bound.ts';
import { encodeHistogram, newHistogram, recordMs } from './histogram.ts';

const slo = { p95Ms: 1000, errorRate: 0.01 };

/** One load second: `ok` successes at each latency of `latenciesMs` (cycled), `failed` failures. */
function second(t: number, ok: number, latenciesMs: number[], failed = 0, dropped = 0): LoadSecond {
  const h = newHistogram();
  for (let k = 0; k < ok + failed; k++) recordMs(h, latenciesMs[k % latenciesMs.length]!);
  return { t, vus: 1, requests: ok + failed, failures: failed, failuresByReason: failed > 0 ? { status_503: failed } : {}, histogram: encodeHistogram(h), servedBy: {}, versions: {}, dropped };
}

const healthy = (t: number): SecondHealth => ({ t, generatorBound: [], hostBound: false, sampled: true });

/** A step built directly (figures known), for the rules that read steps. */
function step(index: number, offeredRps: number, achievedRps: number, p95Ms: number | null, o: Partial<CapacityStep> = {}): CapacityStep {
  const errorRate = o.errorRate ?? 0;
  return {
    index, startS: index * 10, endS: index * 10 + 10, settleS: 2, offeredRps, achievedRps, requests: achievedRps * 8, failures: 0, errorRate, dropped: 0,
    p50Ms: p95Ms, p95Ms, p99Ms: p95Ms, cpuPercentPerReplica: null, meetsSlo: p95Ms !== null && p95Ms <= slo.p95Ms && errorRate <= slo.errorRate,
    bound: 'app', generatorBoundS: 0, hostBoundS: 0, ...o,
  };
}

describe('capacity: one step', () => {
  // settling seconds 10–11 are slow and must not count; seconds 12–19: 50 ok/s, 1 in 10 at 200 ms
  const load = [second(10, 90, [900]), second(11, 90, [900]), ...Array.from({ length: 8 }, (_, k) => second(12 + k, 50, [10, 10, 10, 10, 10, 10, 10, 10, 10, 200]))];
  const platform: PlatformSecond[] = Array.from({ length: 10 }, (_, k) => ({ t: 10 + k, cpuCores: 0.8, cpuCoresByReplica: { a: 0.5, b: 0.3 } }));
  const base = { index: 1, startS: 10, endS: 20, settleS: 2, offeredRps: 50, load, platform, slo, replicas: 2 };

  it('figures cover the measured part only, percentiles from the merged histogram', () => {
    const s = stepFigures({ ...base, judged: load.map((l) => healthy(l.t)) });
    assert.equal(s.requests, 400);
    assert.equal(s.achievedRps, 50);
    assert.equal(s.errorRate, 0);
    assert.ok(Math.abs(s.p50Ms! - 10) < 0.1);
    assert.ok(Math.abs(s.p95Ms! - 200) < 1, String(s.p95Ms));
    assert.equal(s.meetsSlo, true);
    assert.equal(s.bound, 'app');
    assert.ok(Math.abs(s.cpuPercentPerReplica! - 40) < 1e-9);
    assert.equal(s.settleS, 2);
  });

  it('one generator-bound second of eight (> 5 %) makes the step generator-bound; a settling one does not', () => {
    const judged = load.map((l) => (l.t === 15 || l.t === 10 ? { ...healthy(l.t), generatorBound: ['loop-delay' as const] } : healthy(l.t)));
    const s = stepFigures({ ...base, judged });
    assert.equal(s.generatorBoundS, 1);
    assert.equal(s.bound, 'generator');
    const settlingOnly = stepFigures({ ...base, judged: load.map((l) => (l.t === 10 ? { ...healthy(l.t), generatorBound: ['loop-delay' as const] } : healthy(l.t))) });
    assert.equal(settlingOnly.bound, 'app');
  });

  it('host-bound seconds make it host-bound; generator-bound wins when both', () => {
    const host = stepFigures({ ...base, judged: load.map((l) => ({ ...healthy(l.t), hostBound: l.t >= 18 })) });
    assert.equal(host.hostBoundS, 2);
    assert.equal(host.bound, 'host');
    const both = stepFigures({ ...base, judged: load.map((l) => ({ ...healthy(l.t), hostBound: true, generatorBound: l.t === 13 ? ['generator-cpu' as const] : [] })) });
    assert.equal(both.bound, 'generator');
  });

  it('dropped arrivals count against the generator only when the app met the SLO', () => {
    const judged = load.map((l) => ({ ...healthy(l.t), generatorBound: l.t >= 12 ? ['dropped-arrivals' as const] : [] }));
    assert.equal(stepFigures({ ...base, judged }).bound, 'generator');
    const slow = load.map((l) => second(l.t, 50, [3000], 0, 5));
    const s = stepFigures({ ...base, load: slow, judged });
    assert.equal(s.meetsSlo, false);
    assert.equal(s.dropped, 40);
    assert.equal(s.generatorBoundS, 0);
    assert.equal(s.bound, 'app');
  });

  it('CPU per replica falls back to the total over the replicas; null when never sampled', () => {
    assert.equal(cpuPercentPerReplica([{ t: 0, cpuCores: 1.5 }, { t: 1, cpuCores: 0.5 }], 2), 50);
    assert.equal(cpuPercentPerReplica([{ t: 0, gap: true, cpuCores: 9 }, { t: 1 }], 2), null);
  });
});

describe('capacity: when the probe stops', () => {
  it('error ceiling at once, two generator-bound steps, two SLO breaks; else climb on', () => {
    assert.equal(probeStop([], 0.1), null);
    assert.equal(probeStop([step(0, 10, 10, 50)], 0.1), null);
    assert.equal(probeStop([step(0, 10, 5, 50, { errorRate: 0.5 })], 0.1), 'error-ceiling');
    assert.equal(probeStop([step(0, 10, 10, 50), step(1, 12, 12, 2000)], 0.1), null);
    assert.equal(probeStop([step(0, 10, 10, 2000), step(1, 12, 12, 50), step(2, 15, 15, 2000)], 0.1), null);
    assert.equal(probeStop([step(0, 10, 10, 50), step(1, 12, 12, 2000), step(2, 15, 12, 3000)], 0.1), 'slo-broken-twice');
    assert.equal(probeStop([step(0, 10, 10, 50, { bound: 'generator' }), step(1, 12, 12, 2000, { bound: 'generator' })], 0.1), 'generator-bound');
  });
});

describe('capacity: what a replica count says', () => {
  it('an M/D/1-like app of μ = 100/s: capacity at SLO = μ, saturation = μ, CPU per request at the knee', () => {
    const steps = [step(0, 50, 50, 20), step(1, 62, 62, 22), step(2, 78, 78, 30), step(3, 98, 98, 100, { cpuPercentPerReplica: 50 }), step(4, 122, 100, 3000), step(5, 153, 100, 9000)];
    const c = replicaCapacity(2, steps, 'slo-broken-twice', slo);
    // crossing at (1000 − 100) / (3000 − 100) of the way from 98 to 122 → 105.4 offered, carried only up to the 100 achieved
    assert.equal(c.capacityAtSloRps, 100);
    assert.equal(c.saturationRps, 100);
    assert.equal(c.kneeStepIndex, 3);
    assert.ok(Math.abs(c.cpuMsPerRequest! - 1000 / 98) < 1e-9, String(c.cpuMsPerRequest));
    assert.equal(c.capacityIsLowerBound, false);
    assert.equal(c.stoppedBy, 'slo-broken-twice');
  });

  it('interpolates on the error rate when errors break the SLO first', () => {
    const c = replicaCapacity(1, [step(0, 100, 100, 50), step(1, 125, 121, 60, { errorRate: 0.03 }), step(2, 156, 121, 70, { errorRate: 0.2 })], 'error-ceiling', slo);
    // a third of the way from 100 to 125 offered
    assert.ok(Math.abs(c.capacityAtSloRps! - 100 - 25 / 3) < 1e-9, String(c.capacityAtSloRps));
    assert.equal(c.saturationRps, 121, 'the last step carried 121 of 156 offered: the plateau');
  });

  it('a generator-bound step is never the capacity, and the figure after it is a floor', () => {
    const steps = [step(0, 50, 50, 20), step(1, 62, 62, 25), step(2, 78, 78, 30, { bound: 'generator', generatorBoundS: 3 }), step(3, 98, 80, 4000), step(4, 122, 80, 9000)];
    const c = replicaCapacity(1, steps, 'slo-broken-twice', slo);
    assert.equal(c.kneeStepIndex, 1);
    assert.equal(c.capacityIsLowerBound, true);
    assert.ok(c.capacityAtSloRps! >= 62 && c.capacityAtSloRps! < 78, String(c.capacityAtSloRps));
  });

  it('no passing step → no capacity; the error is kept', () => {
    const c = replicaCapacity(3, [], 'failed', slo, 'scale: no');
    assert.equal(c.capacityAtSloRps, null);
    assert.equal(c.kneeStepIndex, null);
    assert.equal(c.cpuMsPerRequest, null);
    assert.equal(c.error, 'scale: no');
  });
});

describe('capacity: ladder start and timeline marks', () => {
  const rates = [5, 6, 8, 10, 12, 15, 19, 24, 30, 37, 47];
  it('a larger replica count starts at half the linear projection', () => {
    assert.equal(startStep(rates, 1, null), 0);
    assert.equal(startStep(rates, 2, { replicas: 1, capacityAtSloRps: 20 }), 7); // aim 20: 19 is short, 24 at step 7
    assert.equal(startStep(rates, 3, { replicas: 2, capacityAtSloRps: null }), 0);
    assert.equal(startStep(rates, 32, { replicas: 1, capacityAtSloRps: 20 }), rates.length - 1);
  });
  it('each second belongs to at most one step', () => {
    const byReplicas = [replicaCapacity(1, [step(0, 5, 5, 10), step(1, 6, 6, 10)], 'rate-cap', slo), replicaCapacity(2, [{ ...step(0, 12, 12, 10), startS: 40, endS: 50 }], 'rate-cap', slo)];
    assert.deepEqual(stepAt({ byReplicas }, 0), { replicas: 1, step: 0 });
    assert.deepEqual(stepAt({ byReplicas }, 19), { replicas: 1, step: 1 });
    assert.equal(stepAt({ byReplicas }, 25), null);
    assert.deepEqual(stepAt({ byReplicas }, 40), { replicas: 2, step: 0 });
  });
});
