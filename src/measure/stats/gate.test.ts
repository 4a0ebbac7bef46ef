import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeGate, repetitionsToResolve } from './gate.ts';
import { medianInterval } from './median-interval.ts';
import { seededRng } from './seeded-rng.ts';

describe('judgeGate on repeated runs', () => {
  const runs = [110, 100, 120];
  it('PASS when the worse end meets the limit (lower is better: upper ≤ limit)', () => {
    const g = judgeGate({ values: runs, limit: 150, direction: 'lower-is-better' });
    assert.equal(g.verdict, 'PASS');
    assert.deepEqual([g.lower, g.upper, g.coverage], [100, 120, 0.75]);
    assert.equal(g.toResolve, null);
  });
  it('meeting is inclusive: upper = limit passes', () => {
    assert.equal(judgeGate({ values: runs, limit: 120, direction: 'lower-is-better' }).verdict, 'PASS');
    assert.equal(judgeGate({ values: runs, limit: 100, direction: 'higher-is-better' }).verdict, 'PASS');
  });
  it('FAIL only when the better end misses it', () => {
    assert.equal(judgeGate({ values: runs, limit: 90, direction: 'lower-is-better' }).verdict, 'FAIL');
    assert.equal(judgeGate({ values: runs, limit: 125, direction: 'higher-is-better' }).verdict, 'FAIL');
  });
  it('INCONCLUSIVE when the interval contains the limit, with a run estimate', () => {
    const g = judgeGate({ values: runs, limit: 115, direction: 'lower-is-better' });
    assert.equal(g.verdict, 'INCONCLUSIVE');
    // s = 10, |median − limit| = 5: n = ⌈(1.95996 · √(π/2) · 10 / 5)²⌉ = ⌈24.14⌉ = 25
    assert.equal(g.toResolve!.runs, 25);
    assert.match(g.reason, /contains the limit 115/);
  });
  it('a single run is decided on its value alone and labelled so', () => {
    const g = judgeGate({ values: [130], limit: 150, direction: 'lower-is-better' });
    assert.equal(g.verdict, 'PASS');
    assert.equal(g.basis, 'single-run');
    assert.equal(g.coverage, null);
    assert.match(g.reason, /single run, no interval/);
    assert.equal(judgeGate({ values: [160], limit: 150, direction: 'lower-is-better' }).verdict, 'FAIL');
  });
  it('refuses a non-finite limit', () => {
    assert.throws(() => judgeGate({ values: [1], limit: NaN, direction: 'lower-is-better' }), /limit must be a finite number/);
  });
});

describe('repetitionsToResolve', () => {
  it('no estimate when the median sits on the limit, or from a single run', () => {
    assert.equal(repetitionsToResolve({ values: [90, 100, 110], limit: 100 }).runs, null);
    assert.equal(repetitionsToResolve({ values: [90], limit: 100 }).runs, null);
  });
  it('never fewer than the 6 runs a 95 % order-statistic interval needs', () => {
    assert.equal(repetitionsToResolve({ values: [100, 101, 102], limit: 150 }).runs, 6);
  });
  it('says when more than 50 runs would be needed', () => {
    const r = repetitionsToResolve({ values: [50, 100, 150], limit: 101 });
    assert.equal(r.runs, null);
    assert.match(r.reason, /more than 50 runs/);
  });
  it('its premise holds: the 95 % interval of 25 normal runs has half-width ≈ 1.96·√(π/2)·σ/√25', () => {
    const rng = seededRng(11);
    const u = (): number => (rng.index(2 ** 30) + 0.5) / 2 ** 30;
    const normal = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    let sum = 0;
    const trials = 800;
    for (let t = 0; t < trials; t++) {
      const e = medianInterval(Array.from({ length: 25 }, () => 100 + 10 * normal()));
      sum += (e.interval!.upper - e.interval!.lower) / 2;
    }
    const predicted = 1.959964 * Math.sqrt(Math.PI / 2) * 10 / 5;
    assert.ok(Math.abs(sum / trials / predicted - 1) < 0.15, `${sum / trials} vs ${predicted}`);
  });
});
