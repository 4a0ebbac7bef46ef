import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrapMedianInterval } from './bootstrap-median.ts';
import { medianInterval } from './median-interval.ts';
import { seededRng } from './seeded-rng.ts';

describe('percentile bootstrap of the median', () => {
  it('is deterministic for a seed and stays inside the sample range', () => {
    const v = [102, 98, 110, 95, 101];
    const a = bootstrapMedianInterval(v, { seed: 42 });
    const b = bootstrapMedianInterval(v, { seed: 42 });
    assert.deepEqual(a, b);
    assert.equal(a.median, 101);
    assert.ok(a.interval!.lower >= 95 && a.interval!.upper <= 110);
    assert.ok(a.interval!.lower <= 101 && 101 <= a.interval!.upper);
    assert.match(a.note, /under-covers/);
  });
  it('agrees with the order-statistic interval on a large sample from a known distribution', () => {
    // 101 draws of Uniform(0, 1000): both intervals should bracket 500 and be of similar width.
    const rng = seededRng(3);
    const v = Array.from({ length: 101 }, () => rng.index(1000));
    const boot = bootstrapMedianInterval(v, { seed: 9, resamples: 1000 });
    const os = medianInterval(v);
    const wBoot = boot.interval!.upper - boot.interval!.lower;
    const wOs = os.interval!.upper - os.interval!.lower;
    assert.ok(boot.interval!.lower < 500 && boot.interval!.upper > 500, JSON.stringify(boot.interval));
    assert.ok(wBoot > 0.6 * wOs && wBoot < 1.6 * wOs, `${wBoot} vs ${wOs}`);
  });
  it('a single run has no interval', () => {
    assert.equal(bootstrapMedianInterval([7]).interval, null);
  });
});
