import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRng } from './seeded-rng.ts';
import { binomialCdf, medianInterval, orderStatisticCoverage, runsForCoverage, SINGLE_RUN_NOTE } from './median-interval.ts';

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} ≈ ${b}`);

describe('binomial CDF', () => {
  it('matches hand-computed values of Binomial(n, ½)', () => {
    close(binomialCdf(0, 5), 1 / 32);
    close(binomialCdf(1, 5), 6 / 32);
    close(binomialCdf(2, 10), (1 + 10 + 45) / 1024);
    assert.equal(binomialCdf(-1, 5), 0);
    assert.equal(binomialCdf(5, 5), 1);
  });
  it('handles other p and large n without underflow', () => {
    close(binomialCdf(1, 3, 0.2), 0.8 ** 3 + 3 * 0.2 * 0.8 ** 2);
    close(binomialCdf(1000, 2000), 0.5 + binomialPmfMid(2000), 1e-9);
  });
});

/** ½·P(B = n/2) for even n (product form of C(n, n/2)/2ⁿ): by symmetry P(B ≤ n/2) = ½ + ½·P(B = n/2). */
function binomialPmfMid(n: number): number {
  let log = -n * Math.log(2);
  for (let i = 1; i <= n / 2; i++) log += Math.log((n / 2 + i) / i);
  return 0.5 * Math.exp(log);
}

describe('order-statistic interval of the median', () => {
  it('n = 5: the widest interval [x(1), x(5)] covers 93.75 %, and says it is short of 95 %', () => {
    const e = medianInterval([12, 10, 14, 11, 13]);
    assert.equal(e.median, 12);
    assert.deepEqual([e.interval!.lower, e.interval!.upper], [10, 14]);
    assert.equal(e.interval!.coverage, 0.9375);
    assert.equal(e.interval!.meetsConfidence, false);
    assert.match(e.note, /93\.75 %/);
    assert.match(e.note, /6 runs reach 95 %/);
  });
  it('n = 6 is the smallest that reaches 95 % (96.875 %)', () => {
    assert.equal(runsForCoverage(0.95), 6);
    assert.equal(orderStatisticCoverage(6, 1), 1 - 2 / 64);
    const e = medianInterval([1, 2, 3, 4, 5, 6]);
    assert.equal(e.interval!.meetsConfidence, true);
    assert.deepEqual(e.interval!.ranks, [1, 6]);
    assert.equal(e.note, '');
  });
  it('n = 20 takes the textbook ranks (6, 15) with coverage 95.86 %', () => {
    // Conover's table: for n = 20 and 95 %, the interval is [x(6), x(15)].
    const e = medianInterval(Array.from({ length: 20 }, (_, i) => i + 1));
    assert.deepEqual(e.interval!.ranks, [6, 15]);
    assert.deepEqual([e.interval!.lower, e.interval!.upper], [6, 15]);
    close(e.interval!.coverage, 1 - 2 * binomialCdf(5, 20));
    assert.ok(e.interval!.coverage >= 0.95 && orderStatisticCoverage(20, 7) < 0.95);
  });
  it('n = 1: no interval, the issue\'s note', () => {
    const e = medianInterval([42]);
    assert.equal(e.interval, null);
    assert.equal(e.note, SINGLE_RUN_NOTE);
    assert.equal(e.median, 42);
  });
  it('covers the true median about as often as it claims (seeded simulation, n = 9)', () => {
    // Uniform(0,1) has median ½. n = 9: k = 2, coverage 1 − 2·P(B ≤ 1) = 0.9609.
    const rng = seededRng(12345);
    const u = (): number => rng.index(2 ** 31) / 2 ** 31;
    let hits = 0;
    const trials = 4000;
    for (let t = 0; t < trials; t++) {
      const e = medianInterval(Array.from({ length: 9 }, u));
      if (e.interval!.lower <= 0.5 && 0.5 <= e.interval!.upper) hits++;
    }
    const claimed = orderStatisticCoverage(9, 2);
    assert.ok(Math.abs(hits / trials - claimed) < 0.015, `${hits / trials} vs ${claimed}`);
  });
  it('refuses an empty sample and non-finite values', () => {
    assert.throws(() => medianInterval([]), /medianInterval: values must be at least one value/);
    assert.throws(() => medianInterval([1, NaN]), /finite number/);
    assert.throws(() => medianInterval([1, 2], 1.5), /confidence must be between 0 and 1/);
  });
});
