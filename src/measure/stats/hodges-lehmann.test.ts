import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hodgesLehmannShift } from './hodges-lehmann.ts';
import { seededRng } from './seeded-rng.ts';

const close = (a: number, b: number, tol = 1e-9): void => assert.ok(Math.abs(a - b) <= tol, `${a} ≈ ${b}`);

describe('Hodges–Lehmann shift and its interval', () => {
  it('estimates a known shift: B = A + 10 exactly gives 10 [10, 10]', () => {
    const a = [3, 7, 1, 9, 5];
    const r = hodgesLehmannShift(a, a.map((v) => v + 10));
    assert.equal(r.estimate, 10);
    assert.ok(r.interval!.lower <= 10 && r.interval!.upper >= 10);
  });
  it('5 vs 5: k = 3 of 25 differences, coverage 1 − 2·4/252 = 96.83 %', () => {
    const a = [1, 2, 3, 4, 5];
    const b = [11.5, 12.5, 13.5, 14.5, 15.5];
    const r = hodgesLehmannShift(a, b);
    assert.equal(r.method, 'exact-u');
    assert.deepEqual(r.interval!.ranks, [3, 23]);
    close(r.interval!.coverage, 1 - 8 / 252);
    assert.equal(r.interval!.meetsConfidence, true);
    // differences b − a run from 6.5 to 14.5; sorted 3rd = 7.5, 23rd = 13.5; median 10.5
    assert.equal(r.estimate, 10.5);
    assert.deepEqual([r.interval!.lower, r.interval!.upper], [7.5, 13.5]);
  });
  it('3 vs 3 reaches only 90 % (the full range of differences) and says so', () => {
    const r = hodgesLehmannShift([1, 2, 3], [5, 6, 8]);
    assert.deepEqual(r.interval!.ranks, [1, 9]);
    close(r.interval!.coverage, 0.9);
    assert.equal(r.interval!.meetsConfidence, false);
    assert.deepEqual([r.interval!.lower, r.interval!.upper], [2, 7]);
  });
  it('one run on each side: estimate only, no interval', () => {
    const r = hodgesLehmannShift([1], [4]);
    assert.equal(r.estimate, 3);
    assert.equal(r.interval, null);
  });
  it('covers the true shift about as often as it claims (seeded simulation, 5 vs 5)', () => {
    const rng = seededRng(7);
    const u = (): number => rng.index(1_000_000) / 1_000_000;
    const trials = 3000;
    let hits = 0;
    let claimed = 0;
    for (let t = 0; t < trials; t++) {
      const a = Array.from({ length: 5 }, u);
      const b = Array.from({ length: 5 }, () => u() + 0.3);
      const r = hodgesLehmannShift(a, b);
      claimed = r.interval!.coverage;
      if (r.interval!.lower <= 0.3 && 0.3 <= r.interval!.upper) hits++;
    }
    assert.ok(Math.abs(hits / trials - claimed) < 0.015, `${hits / trials} vs ${claimed}`);
  });
  it('large samples switch to the normal approximation with nominal coverage', () => {
    const a = Array.from({ length: 60 }, (_, i) => i);
    const b = a.map((v) => v + 5);
    const r = hodgesLehmannShift(a, b);
    assert.equal(r.method, 'normal-approximation');
    assert.equal(r.estimate, 5);
    assert.equal(r.interval!.coverage, 0.95);
    assert.ok(r.interval!.lower < 5 && r.interval!.upper > 5);
  });
});
