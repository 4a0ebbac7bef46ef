import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRng } from '../measure/stats/seeded-rng.ts';
import { fitUslWithBand } from './usl-band.ts';
import { fitUsl, type UslObservations } from './usl-fit.ts';
import type { UslParams } from '../model/plan.ts';
import { uslPeakReplicas, uslThroughput } from './usl-model.ts';

const TRUE: UslParams = { lambdaRps: 120, sigma: 0.05, kappa: 0.002 };
const COUNTS = [1, 2, 4, 8, 12, 16, 24];

/** Synthetic probe: `perCount` observations at each count, multiplicative normal noise of `cv`. */
function synthetic(p: UslParams, counts: readonly number[], perCount: number, cv: number, seed: number): UslObservations[] {
  const rng = seededRng(seed);
  const u = (): number => (rng.index(2 ** 30) + 0.5) / 2 ** 30;
  const normal = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return counts.map((n) => ({ replicas: n, throughputRps: Array.from({ length: perCount }, () => uslThroughput(p, n) * (1 + cv * normal())) }));
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('USL model', () => {
  it('N* = √((1−σ)/κ), and X is highest there', () => {
    const peak = uslPeakReplicas(TRUE)!;
    assert.ok(rel(peak, Math.sqrt(0.95 / 0.002)) < 1e-12);
    assert.ok(uslThroughput(TRUE, peak) > uslThroughput(TRUE, peak - 1) && uslThroughput(TRUE, peak) > uslThroughput(TRUE, peak + 1));
    assert.equal(uslPeakReplicas({ lambdaRps: 1, sigma: 0.1, kappa: 0 }), null);
  });
});

describe('fitUsl', () => {
  it('recovers λ, σ, κ exactly from noise-free data', () => {
    const f = fitUsl(synthetic(TRUE, COUNTS, 1, 0, 1));
    assert.ok(rel(f.params.lambdaRps, 120) < 1e-6, JSON.stringify(f.params));
    assert.ok(Math.abs(f.params.sigma - 0.05) < 1e-6);
    assert.ok(rel(f.params.kappa, 0.002) < 1e-5);
    assert.ok(f.kappaFitted);
    assert.ok(f.rSquared > 0.999999);
  });
  it('recovers known σ, κ, λ from synthetic USL data with 3 % noise (5 steps per count)', () => {
    const f = fitUsl(synthetic(TRUE, COUNTS, 5, 0.03, 2));
    assert.ok(rel(f.params.lambdaRps, 120) < 0.05, JSON.stringify(f.params));
    assert.ok(Math.abs(f.params.sigma - 0.05) < 0.02, JSON.stringify(f.params));
    assert.ok(rel(f.params.kappa, 0.002) < 0.3, JSON.stringify(f.params));
    assert.ok(rel(f.peakReplicas!, Math.sqrt(0.95 / 0.002)) < 0.2, String(f.peakReplicas));
  });
  it('holds κ at its bound 0 for Amdahl-like data and reports no peak', () => {
    const amdahl = { lambdaRps: 50, sigma: 0.2, kappa: 0 };
    const f = fitUsl(synthetic(amdahl, [1, 2, 4, 8], 1, 0, 3));
    assert.equal(f.params.kappa, 0);
    assert.ok(Math.abs(f.params.sigma - 0.2) < 1e-6);
    assert.equal(f.peakReplicas, null);
  });
  it('with 2 counts fits σ only, κ = 0, and says so', () => {
    // X(1) = 100, X(2) = 2·100/(1+σ) = 160 → σ = 0.25
    const f = fitUsl([{ replicas: 1, throughputRps: [100] }, { replicas: 2, throughputRps: [160] }]);
    assert.equal(f.kappaFitted, false);
    assert.equal(f.params.kappa, 0);
    assert.ok(Math.abs(f.params.sigma - 0.25) < 1e-6 && rel(f.params.lambdaRps, 100) < 1e-6, JSON.stringify(f.params));
    assert.match(f.note, /κ fixed at 0/);
  });
  it('clear errors, never NaN: one count, flat throughput, noise without trend, bad input', () => {
    assert.throws(() => fitUsl([{ replicas: 2, throughputRps: [100, 110] }]), /at least 2 different counts/);
    assert.throws(() => fitUsl([1, 2, 4].map((r) => ({ replicas: r, throughputRps: [80, 80] }))), /throughput must change with the replica count/);
    const rng = seededRng(5);
    const noise = [1, 2, 3, 4, 5, 6].map((r) => ({ replicas: r, throughputRps: Array.from({ length: 6 }, () => 100 + rng.index(60)) }));
    assert.throws(() => fitUsl(noise), /noise dominates/);
    assert.throws(() => fitUsl([{ replicas: 0, throughputRps: [1] }, { replicas: 1, throughputRps: [1] }]), /replicas must be an integer ≥ 1/);
    assert.throws(() => fitUsl([{ replicas: 1, throughputRps: [NaN] }, { replicas: 2, throughputRps: [1] }]), /finite and ≥ 0/);
  });
});

describe('fitUslWithBand', () => {
  const data = synthetic(TRUE, COUNTS, 5, 0.03, 2);
  const f = fitUslWithBand(data, { resamples: 150, seed: 4 });
  it('the band contains the true curve at the probed counts and brackets the fit', () => {
    for (const p of f.band.filter((b) => COUNTS.includes(b.replicas))) {
      assert.ok(p.lowerRps <= p.throughputRps && p.throughputRps <= p.upperRps, JSON.stringify(p));
      const truth = uslThroughput(TRUE, p.replicas);
      assert.ok(p.lowerRps <= truth * 1.01 && truth * 0.99 <= p.upperRps, `${JSON.stringify(p)} truth ${truth}`);
    }
    assert.equal(f.band.length, 48);
    assert.ok(f.intervals.lambdaRps[0] <= 120 && 120 <= f.intervals.lambdaRps[1]!);
    assert.equal(f.bootstrap.failed, 0);
  });
  it('is deterministic for a seed', () => {
    assert.deepEqual(fitUslWithBand(data, { resamples: 30, seed: 8 }).band, fitUslWithBand(data, { resamples: 30, seed: 8 }).band);
  });
  it('flags counts with a single observation', () => {
    const g = fitUslWithBand(synthetic(TRUE, COUNTS, 1, 0.02, 6), { resamples: 20 });
    assert.match(g.note, /one observation at 1, 2, 4/);
  });
  it('linear data (κ = 0 in every resample): no peak interval, and every interval survives JSON', () => {
    const linear = fitUslWithBand([1, 2, 3].map((n) => ({ replicas: n, throughputRps: [19 * n, 19 * n] })), { resamples: 50, seed: 3 });
    assert.equal(linear.kappaFitted, true);
    assert.equal(linear.peakReplicas, null);
    assert.equal(linear.intervals.peakReplicas, null); // was [∞, ∞] → [null, null] in plan.json
    const back = JSON.parse(JSON.stringify(linear.intervals)) as typeof linear.intervals;
    for (const r of [back.lambdaRps, back.sigma, back.kappa]) assert.ok(Number.isFinite(r[0]), JSON.stringify(back));
  });
});
