import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GeneratorHealthSecond, LoadSecond } from '../model/index.ts';
import { generatorValidity, judgeSeconds, type GeneratorJudgeInput } from './generator-bound.ts';

function load(t: number, dropped = 0): LoadSecond {
  return { t, vus: 10, requests: 100, failures: 0, failuresByReason: {}, histogram: '', servedBy: {}, versions: {}, ...(dropped > 0 ? { dropped } : {}) };
}

function health(t: number, over: Partial<GeneratorHealthSecond> = {}): GeneratorHealthSecond {
  return { t, spanMs: 1000, harnessCpuPercent: 20, loopDelayP99Ms: 2, loopDelayMaxMs: 5, hostBusyPercent: 40, hostStealPercent: 0, ...over };
}

function input(n: number, over: Partial<GeneratorJudgeInput> & { health?: GeneratorHealthSecond[] } = {}): GeneratorJudgeInput {
  return { load: Array.from({ length: n }, (_, t) => load(t)), health: Array.from({ length: n }, (_, t) => health(t)), driver: 'builtin', cores: 2, ...over };
}

describe('judgeSeconds: generator-bound and host-bound seconds', () => {
  it('a healthy second is neither', () => {
    assert.deepEqual(judgeSeconds(input(1)), [{ t: 0, generatorBound: [], hostBound: false, sampled: true }]);
  });

  const builtin: Array<[string, Partial<GeneratorHealthSecond>, string[]]> = [
    ['loop delay p99 50 ms is within the bound', { loopDelayP99Ms: 50 }, []],
    ['loop delay p99 above 50 ms', { loopDelayP99Ms: 50.5 }, ['loop-delay']],
    ['harness CPU 89.9 % of a core is within the bound', { harnessCpuPercent: 89.9 }, []],
    ['harness CPU 90 % of a core', { harnessCpuPercent: 90 }, ['generator-cpu']],
    ['both', { loopDelayP99Ms: 400, harnessCpuPercent: 100 }, ['loop-delay', 'generator-cpu']],
  ];
  for (const [name, h, want] of builtin) {
    it(`builtin: ${name}`, () => assert.deepEqual(judgeSeconds(input(1, { health: [health(0, h)] }))[0]!.generatorBound, want));
  }

  it('dropped arrivals make a second generator-bound, with or without a health record', () => {
    const j = judgeSeconds({ load: [load(0, 3), load(1, 1)], health: [health(0)], driver: 'k6', cores: 2 });
    assert.deepEqual(j.map((s) => [s.generatorBound, s.sampled]), [[['dropped-arrivals'], true], [['dropped-arrivals'], false]]);
  });

  it('k6: the harness loop and CPU do not count; k6 CPU counts at ≥ 90 % of all cores', () => {
    const j = judgeSeconds({
      load: [load(0), load(1), load(2)],
      health: [
        health(0, { loopDelayP99Ms: 300, harnessCpuPercent: 100, k6CpuPercent: 120 }),
        health(1, { k6CpuPercent: 179.9 }),
        health(2, { k6CpuPercent: 180 }),
      ],
      driver: 'k6',
      cores: 2,
    });
    assert.deepEqual(j.map((s) => s.generatorBound), [[], [], ['generator-cpu']]);
  });

  it('host-bound at ≥ 95 % busy; unknown host CPU is not host-bound', () => {
    const j = judgeSeconds(input(3, { health: [health(0, { hostBusyPercent: 94.9 }), health(1, { hostBusyPercent: 95 }), health(2, { hostBusyPercent: null })] }));
    assert.deepEqual(j.map((s) => s.hostBound), [false, true, false]);
    assert.deepEqual(j.map((s) => s.generatorBound), [[], [], []], 'a busy host alone does not make the generator bound');
  });

  it('judges exactly the load seconds (health seconds after the load are ignored)', () => {
    const j = judgeSeconds(input(2, { health: [health(0), health(1), health(2, { loopDelayP99Ms: 900 })] }));
    assert.deepEqual(j.map((s) => s.t), [0, 1]);
  });
});

describe('generatorValidity: INVALID above 5 % generator-bound seconds', () => {
  function judged(n: number, boundAt: number[], over: Partial<GeneratorHealthSecond> = { loopDelayP99Ms: 200 }) {
    return judgeSeconds(input(n, { health: Array.from({ length: n }, (_, t) => health(t, boundAt.includes(t) ? over : {})) }));
  }

  it('exactly 5 % is still valid', () => {
    const v = generatorValidity(judged(100, [1, 2, 3, 4, 5]));
    assert.equal(v.status, 'valid');
    assert.equal(v.generatorBoundS, 5);
    assert.equal(v.generatorBoundShare, 0.05);
    assert.equal(v.reason, null);
  });

  it('6 of 100 seconds is INVALID, and the reason names the share and each cause', () => {
    const j = judged(100, [10, 11, 12, 13]);
    j[50]!.generatorBound.push('dropped-arrivals');
    j[51]!.generatorBound.push('dropped-arrivals', 'generator-cpu');
    const v = generatorValidity(j);
    assert.equal(v.status, 'invalid');
    assert.equal(v.generatorBoundS, 6);
    assert.deepEqual(v.byCause, { 'loop-delay': 4, 'generator-cpu': 1, 'dropped-arrivals': 2 });
    assert.equal(
      v.reason,
      'the load generator could not keep its schedule in 6 of 100 s (6.0 % > 5 %): event-loop delay p99 > 50 ms in 4 s, generator CPU saturated in 1 s, arrivals dropped (all maxVUs busy) in 2 s',
    );
  });

  it('counts host-bound seconds apart; they do not invalidate', () => {
    const v = generatorValidity(judged(10, [0, 1, 2, 3, 4], { hostBusyPercent: 99 }));
    assert.equal(v.status, 'valid');
    assert.equal(v.hostBoundS, 5);
    assert.equal(v.generatorBoundS, 0);
  });

  it('no health recorded (an older run): unknown — unless dropped arrivals already make it invalid', () => {
    const none = generatorValidity(judgeSeconds({ load: [load(0), load(1)], health: [], driver: 'builtin', cores: 2 }));
    assert.equal(none.status, 'unknown');
    assert.equal(none.sampledS, 0);
    const dropped = generatorValidity(judgeSeconds({ load: [load(0, 5), load(1)], health: [], driver: 'builtin', cores: 2 }));
    assert.equal(dropped.status, 'invalid');
  });

  it('no second at all: unknown, share 0', () => {
    const v = generatorValidity([]);
    assert.deepEqual([v.status, v.generatorBoundShare, v.reason], ['unknown', 0, null]);
  });
});
