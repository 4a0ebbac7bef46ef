import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadSecond, StartSecond } from '../model/index.ts';
import { degradedStartState, isDegradedSecond, startedErrorRate } from './degraded.ts';
import { computeFigures, degradedTime } from './figures.ts';
import { encodeHistogram, newHistogram, recordMs } from './histogram.ts';

/** A start second: `n` requests started (100 ms each), `fail` of them failed. */
function start(t: number, n: number, fail = 0, waiting = 0, waitingFailures = 0): StartSecond {
  const h = newHistogram();
  for (let i = 0; i < n; i++) recordMs(h, 100);
  return { t, requests: n, failures: fail, failuresByReason: fail ? { status_503: fail } : {}, histogram: n ? encodeHistogram(h) : '', waiting, waitingFailures };
}
/** The same as a completion second. */
function done(t: number, n: number, fail = 0): LoadSecond {
  const s = start(t, n, fail);
  return { t, vus: 30, requests: n, failures: fail, failuresByReason: s.failuresByReason, histogram: s.histogram, servedBy: {}, versions: {} };
}
const slo = { p95Ms: 1000, errorRate: 0.01 };

describe('degraded time: seconds whose error rate exceeds the SLO\'s', () => {
  it('a partial outage: 29 % failed for 40 s is 40 s degraded and 0 s down', () => {
    // issue 16: a third of the pods dead behind an L4 balancer, 100 users arriving per second
    const starts: StartSecond[] = [];
    const load: LoadSecond[] = [];
    for (let t = 0; t < 120; t++) {
      const hit = t >= 30 && t < 70;
      starts.push(start(t, 100, hit ? 29 : 0));
      load.push(done(t, 100, hit ? 29 : 0));
    }
    const f = computeFigures({ load, starts, platform: [], faults: [{ kind: 'node-crash', startMs: 30_000, endMs: 90_000, subject: 'worker-1' }], windows: [], slo, durationS: 120 });
    assert.deepEqual([f.downtimeS, f.longestOutageS], [0, 0]);
    assert.deepEqual([f.degradedS, f.longestDegradedS], [40, 40]);
    const fault = f.faults[0]!;
    // 40 s × 29 failed of 60 s × 100 started in the fault window [30, 90)
    assert.equal(fault.errorRate, (40 * 29) / (60 * 100));
    assert.deepEqual([fault.degradedS, fault.longestDegradedS], [40, 40]);
  });

  it('exactly the SLO\'s error rate is not degraded; one failure more is', () => {
    assert.equal(degradedStartState(start(0, 100, 1), 0.01), 'up');
    assert.equal(degradedStartState(start(0, 100, 2), 0.01), 'down');
    assert.equal(degradedStartState(start(0, 20, 1), 0.01), 'down', 'one failure of 20 is 5 %');
    assert.equal(degradedStartState(start(0, 10, 0), 0), 'up', 'an SLO of 0 %: no failure is not degraded');
    assert.equal(degradedStartState(start(0, 10, 1), 0), 'down');
  });

  it('a second without starts is judged by the users waiting through it; nobody = unobserved', () => {
    assert.equal(degradedStartState(start(0, 0, 0, 10, 1), 0.01), 'down');
    assert.equal(degradedStartState(start(0, 0, 0, 10, 0), 0.01), 'up');
    assert.equal(degradedStartState(start(0, 0), 0.01), 'unobserved');
  });

  it('unobserved seconds count only inside a degraded stretch; a hole breaks it; degraded ⊇ down', () => {
    const seq = (states: string): StartSecond[] => [...states].map((c, t) => (c === 'D' ? start(t, 10, 10) : c === 'd' ? start(t, 10, 3) : c === 'u' ? start(t, 10) : start(t, 0)));
    assert.deepEqual(degradedTime({ starts: seq('udDd.ddu'), load: [] }, 0.01), { degradedS: 6, longestDegradedS: 6 });
    assert.deepEqual(degradedTime({ starts: seq('udd..uu'), load: [] }, 0.01), { degradedS: 2, longestDegradedS: 2 });
    assert.deepEqual(degradedTime({ starts: seq('dd.dd').filter((s) => s.t !== 2), load: [] }, 0.01), { degradedS: 4, longestDegradedS: 2 });
    assert.deepEqual(degradedTime({ starts: seq('udddu'), load: [] }, 0.01, 2, 4), { degradedS: 2, longestDegradedS: 2 }, 'only [fromS, toS)');
  });

  it('runs saved without start seconds: completion seconds, a silent second with users active is degraded', () => {
    assert.equal(isDegradedSecond(done(0, 100, 2), 0.01), true);
    assert.equal(isDegradedSecond(done(0, 100, 1), 0.01), false);
    assert.equal(isDegradedSecond(done(0, 0), 0.01), true);
    const load = [done(0, 10), done(1, 10, 1), done(2, 10, 1), done(3, 10)];
    assert.deepEqual(degradedTime({ load }, 0.01), { degradedS: 2, longestDegradedS: 2 });
    assert.deepEqual(degradedTime({ starts: [], load }, 0.01), { degradedS: 2, longestDegradedS: 2 });
  });

  it('the error rate of the requests started in a window; null when none started', () => {
    const starts = [start(0, 10), start(1, 10, 5), start(2, 30, 5), start(3, 0)];
    assert.equal(startedErrorRate({ starts, load: [] }, 1, 3), 10 / 40);
    assert.equal(startedErrorRate({ starts, load: [] }, 3, 4), null);
    assert.equal(startedErrorRate({ load: [done(0, 4, 1)] }, 0, 1), 0.25, 'completion seconds when no start seconds were saved');
  });
});
