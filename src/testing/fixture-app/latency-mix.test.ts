import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HarnessError } from '../../model/index.ts';
import { defaultMix, describeMix, mixCycle, mixMeanMs, mixPercentileMs, nearestRank, validateMix } from './latency-mix.ts';

describe('latency mix', () => {
  it('the cycle holds every step exactly `weight` times, spread evenly', () => {
    const cycle = mixCycle([{ ms: 10, weight: 3 }, { ms: 50, weight: 1 }]);
    assert.deepEqual(cycle, [10, 10, 50, 10]);
    const big = mixCycle(defaultMix);
    assert.equal(big.length, 100);
    for (const s of defaultMix) assert.equal(big.filter((x) => x === s.ms).length, s.weight, `${s.ms} ms`);
    // any 20 consecutive requests hold the 35 % steps 7 ± 1 times (no blocks of one value)
    for (let i = 0; i < 100; i++) {
      const win = [...big, ...big].slice(i, i + 20);
      assert.ok(Math.abs(win.filter((x) => x === 20).length - 7) <= 1, `window at ${i}: ${win.join(',')}`);
    }
  });

  it('nearest-rank percentiles: the smallest value with at least p % at or below it', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    assert.equal(nearestRank(v, 50), 50);
    assert.equal(nearestRank(v, 95), 95);
    assert.equal(nearestRank(v, 99), 99);
    assert.equal(nearestRank(v, 100), 100);
    assert.equal(nearestRank(v, 0), 1);
    assert.equal(nearestRank([7], 99), 7);
    assert.equal(nearestRank([], 50), null);
    assert.equal(nearestRank([1, 2, 3, 4], 50), 2);
    assert.equal(nearestRank([1, 2, 3, 4], 51), 3);
  });

  it('the default mix has the promised percentiles and mean, and they scale with the factor', () => {
    assert.deepEqual([50, 95, 99].map((p) => mixPercentileMs(defaultMix, p)), [40, 160, 400]);
    assert.deepEqual([50, 95, 99].map((p) => mixPercentileMs(defaultMix, p, 2)), [80, 320, 800]);
    assert.equal(mixMeanMs(defaultMix), 58.6);
    assert.equal(mixMeanMs(defaultMix, 2), 117.2);
    // the same figures from the cycle itself, and from any whole number of cycles
    const sorted = [...mixCycle(defaultMix), ...mixCycle(defaultMix)].sort((a, b) => a - b);
    assert.deepEqual([50, 95, 99].map((p) => nearestRank(sorted, p)), [40, 160, 400]);
    // no percentile sits on a step's edge: ±1.9 points give the same value
    for (const p of [50, 95, 99]) {
      assert.equal(mixPercentileMs(defaultMix, p - 1.9), mixPercentileMs(defaultMix, p));
      if (p < 99) assert.equal(mixPercentileMs(defaultMix, p + 1.9), mixPercentileMs(defaultMix, p));
    }
  });

  it('rejects a bad mix with the field that is wrong', () => {
    const cases: Array<[unknown, RegExp]> = [
      [[], /mix must be a non-empty list/],
      ['20ms', /mix must be a non-empty list/],
      [[{ ms: -1, weight: 1 }], /mix\[0\]\.ms must be a number of ms/],
      [[{ ms: 5, weight: 1 }, { ms: 5, weight: 1.5 }], /mix\[1\]\.weight must be a positive integer \(got 1\.5\)/],
      [[{ ms: 5, weight: 20_000 }], /sum of mix weights must be at most 10000/],
    ];
    for (const [mix, re] of cases) {
      assert.throws(() => validateMix(mix), (e: unknown) => e instanceof HarnessError && re.test(e.message), JSON.stringify(mix));
    }
    assert.equal(describeMix([{ ms: 20, weight: 3 }, { ms: 200, weight: 1 }]), '20 ms ×3, 200 ms ×1');
  });
});
