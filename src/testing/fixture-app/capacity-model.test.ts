import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectedCapacity, overloadWaitP95Ms } from './capacity-model.ts';
import { defaultMix } from './latency-mix.ts';

describe('capacity model', () => {
  it('saturation is N × concurrency × 1000 / (mean × factor)', () => {
    const mix = [{ ms: 10, weight: 1 }, { ms: 30, weight: 1 }]; // mean 20 ms → 50 req/s per slot
    for (const n of [1, 2, 3]) {
      const c = expectedCapacity({ replicas: n, concurrency: 1, mix, latencyFactor: 1 }, 1000);
      assert.equal(c.perReplicaRps, 50);
      assert.equal(c.saturationRps, 50 * n);
      assert.equal(c.capacityAtSloRps, 50 * n);
      assert.equal(c.unloadedP95Ms, 30);
    }
    assert.equal(expectedCapacity({ replicas: 2, concurrency: 4, mix, latencyFactor: 2 }, 1000).saturationRps, 200);
    const d = expectedCapacity({ replicas: 1, concurrency: 1, mix: defaultMix, latencyFactor: 1 }, 1000);
    assert.ok(Math.abs(d.saturationRps - 1000 / 58.6) < 1e-9);
  });

  it('no capacity at an SLO tighter than the unloaded p95', () => {
    const c = expectedCapacity({ replicas: 3, concurrency: 1, mix: defaultMix, latencyFactor: 1 }, 150);
    assert.equal(c.unloadedP95Ms, 160);
    assert.equal(c.capacityAtSloRps, 0);
    assert.equal(expectedCapacity({ replicas: 3, concurrency: 1, mix: defaultMix, latencyFactor: 1 }, 160).capacityAtSloRps, c.saturationRps);
  });

  it('overload waiting grows with the excess rate and the step length (fluid model)', () => {
    const inputs = { replicas: 1, concurrency: 1, mix: [{ ms: 10, weight: 1 }], latencyFactor: 1 }; // μ = 100/s
    assert.equal(overloadWaitP95Ms(inputs, 100, 10), 0);
    assert.equal(overloadWaitP95Ms(inputs, 80, 10), 0);
    // λ = 110/s for 10 s: backlog 100 requests at the end → 1 s of waiting; p95 = 0.95 s
    assert.ok(Math.abs(overloadWaitP95Ms(inputs, 110, 10) - 950) < 1e-9);
  });
});
