import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadSecond, PlatformSecond, StartSecond } from '../model/index.ts';
import { capacityBackS, computeFigures, downtime, isDownStartSecond, scaleUp, startDowntime, timeToRecoverS, versionShare, windowFigures } from './figures.ts';
import { encodeHistogram, newHistogram, recordMs } from './histogram.ts';

/** A constructed second: `lat` latencies (ms) all recorded, `fail` of them failed. */
function sec(t: number, lat: number[], fail = 0, extra: Partial<LoadSecond> = {}): LoadSecond {
  const h = newHistogram();
  lat.forEach((l) => recordMs(h, l));
  return { t, vus: 10, requests: lat.length, failures: fail, failuresByReason: fail ? { status_503: fail } : {}, histogram: encodeHistogram(h), servedBy: {}, versions: {}, ...extra };
}
const ok = (t: number, n = 10, ms = 100): LoadSecond => sec(t, Array(n).fill(ms));
const within = (a: number | null, b: number, rel = 0.001): void => {
  assert.ok(a !== null && Math.abs(a - b) <= b * rel, `${a} ≈ ${b}`);
};

describe('window percentiles come from merged histograms', () => {
  it('p95 of two seconds is the p95 of all their requests, not the average of per-second p95s', () => {
    // second 0: 100 requests at 10 ms; second 1: 100 requests at 1000 ms.
    // per-second p95s are 10 and 1000 (average 505); the merged p95 is 1000.
    const load = [sec(0, Array(100).fill(10)), sec(1, Array(100).fill(1000))];
    const w = windowFigures(load, 'w', 0, 2);
    within(w.p95Ms, 1000);
    within(w.p50Ms, 10);
    assert.equal(w.requests, 200);
  });
  it('p95 over 1..100 ms is 95 ms (nearest rank), within HDR precision', () => {
    const lat = Array.from({ length: 100 }, (_, i) => i + 1);
    const load = [sec(0, lat.slice(0, 50)), sec(1, lat.slice(50))];
    within(windowFigures(load, 'w', 0, 2).p95Ms, 95);
    within(windowFigures(load, 'w', 0, 2).p99Ms, 99);
  });
  it('only seconds inside [start, end) count; error rate and throughput follow', () => {
    const load = [sec(0, [5, 5]), sec(1, [5, 5, 5, 5], 1), sec(2, [5, 5])];
    const w = windowFigures(load, 'w', 1, 2);
    assert.equal(w.requests, 4);
    assert.equal(w.failures, 1);
    assert.equal(w.errorRate, 0.25);
    assert.equal(w.throughputRps, 3);
  });
  it('an empty window has null latencies and zero error rate', () => {
    const w = windowFigures([], 'w', 0, 10);
    assert.equal(w.p95Ms, null);
    assert.equal(w.errorRate, 0);
  });
});

describe('downtime and longest outage', () => {
  it('an outage of exactly 7 s', () => {
    const load: LoadSecond[] = [];
    for (let t = 0; t < 30; t++) load.push(t >= 10 && t < 17 ? sec(t, [5, 5, 5, 5], 3) : ok(t));
    assert.deepEqual(downtime(load), { downtimeS: 7, longestOutageS: 7 });
  });
  it('exactly half succeeded is not down; fewer than half is', () => {
    assert.equal(downtime([sec(0, [1, 1, 1, 1], 2)]).downtimeS, 0);
    assert.equal(downtime([sec(0, [1, 1, 1, 1], 3)]).downtimeS, 1);
  });
  it('a second where no request completed while users were active is down', () => {
    const load = [ok(0), sec(1, []), sec(2, []), ok(3), sec(4, [1], 1), ok(5)];
    assert.deepEqual(downtime(load), { downtimeS: 3, longestOutageS: 2 });
  });
  it('a second with no users and no requests is not down', () => {
    assert.equal(downtime([sec(0, [], 0, { vus: 0 })]).downtimeS, 0);
  });
});

/** A start second: `n` requests started, `fail` of them failed, `waiting`/`waitingFailures` users waiting through it. */
function start(t: number, n: number, fail = 0, waiting = 0, waitingFailures = 0): StartSecond {
  const h = newHistogram();
  for (let i = 0; i < n; i++) recordMs(h, 100);
  return { t, requests: n, failures: fail, failuresByReason: fail ? { timeout: fail } : {}, histogram: n ? encodeHistogram(h) : '', waiting, waitingFailures };
}

describe('availability by start second', () => {
  const cases: Array<[string, StartSecond, boolean]> = [
    ['all started requests succeeded', start(0, 4), false],
    ['exactly half succeeded', start(0, 4, 2), false],
    ['fewer than half succeeded', start(0, 4, 3), true],
    ['started requests decide, whatever users waited for', start(0, 4, 0, 10, 10), false],
    ['none started, users waited for requests that then failed', start(0, 0, 0, 5, 5), true],
    ['none started, users waited for slow answers', start(0, 0, 0, 5, 0), false],
    ['none started, nobody waiting (think time, idle): unobserved, not down by itself', start(0, 0), false],
  ];
  for (const [name, s, down] of cases) it(name, () => assert.equal(isDownStartSecond(s), down));

  it('computeFigures judges availability by start seconds when the run has them', () => {
    // by completion, seconds 10..21 look down (timeouts land 10 s late); by start, 10..11 are
    const load: LoadSecond[] = [];
    const starts: StartSecond[] = [];
    for (let t = 0; t < 40; t++) {
      load.push(t >= 10 && t < 22 ? sec(t, [10_000, 10_000], 2) : ok(t));
      starts.push(t >= 10 && t < 12 ? start(t, 10, 10) : start(t, 10));
    }
    const slo = { p95Ms: 500, errorRate: 0.01 };
    const f = computeFigures({ load, starts, platform: [], faults: [{ kind: 'node-crash', startMs: 10_000, endMs: 12_000, subject: 'n' }], windows: [], slo, durationS: 40 });
    assert.equal(f.availabilityBasis, 'start-second');
    assert.deepEqual([f.downtimeS, f.longestOutageS], [2, 2]);
    assert.equal(f.faults[0]!.timeToRecoverS, 2);
    const old = computeFigures({ load, platform: [], faults: [], windows: [], slo, durationS: 40 });
    assert.equal(old.availabilityBasis, 'completion-second');
    assert.equal(old.downtimeS, 12);
    assert.deepEqual(startDowntime(starts, 0, 11), { downtimeS: 1, longestOutageS: 1 });
  });

  it('an unobserved second (nobody started or waited) is down only inside an outage', () => {
    const seq = (states: string): StartSecond[] => [...states].map((c, t) => (c === 'd' ? start(t, 4, 4) : c === 'u' ? start(t, 4) : start(t, 0)));
    assert.deepEqual(startDowntime(seq('uddd.ddu')), { downtimeS: 6, longestOutageS: 6 }, 'a generator stall inside an outage does not split it');
    assert.deepEqual(startDowntime(seq('udd..uu')), { downtimeS: 2, longestOutageS: 2 }, 'at the edge of an outage it is up');
    assert.deepEqual(startDowntime(seq('u..u.u')), { downtimeS: 0, longestOutageS: 0 }, 'quiet seconds of a healthy run are up');
    const holed = seq('dd.dd').filter((s) => s.t !== 2);
    assert.deepEqual(startDowntime(holed), { downtimeS: 4, longestOutageS: 2 }, 'a hole still breaks a run');
  });

  it('figures cover exactly the profile: a graceful stop after it is not counted (k6 ran 182 s of a 180 s profile)', () => {
    const load: LoadSecond[] = [];
    const starts: StartSecond[] = [];
    for (let t = 0; t < 182; t++) {
      // k6's graceful stop: VUs still active, nothing completed or started
      load.push(t < 180 ? ok(t, 10) : sec(t, [], 0, { vus: 5 }));
      starts.push(t < 180 ? start(t, 10) : start(t, 0, 0, 5, 5));
    }
    const f = computeFigures({ load, starts, platform: [], faults: [], windows: [{ name: 'all', startS: 0, endS: 180 }], slo: { p95Ms: 500, errorRate: 0.01 }, durationS: 180 });
    assert.equal(f.overall.endS, 180);
    assert.equal(f.overall.throughputRps, 10);
    assert.equal(f.downtimeS, 0);
    const old = computeFigures({ load, platform: [], faults: [], windows: [], slo: { p95Ms: 500, errorRate: 0.01 }, durationS: 180 });
    assert.equal(old.downtimeS, 0, 'completion seconds are cut at the profile end too');
    // an interrupted run covers what ran
    assert.equal(computeFigures({ load: load.slice(0, 50), platform: [], faults: [], windows: [], slo: { p95Ms: 500, errorRate: 0.01 }, durationS: 180 }).overall.endS, 50);
  });
});

describe('time to recover', () => {
  const slo = { p95Ms: 500, errorRate: 0.01 };
  it('is the start of the first 10 s stretch meeting the SLO, from injection', () => {
    // fault at 20.0 s; failing 20..34, slow 35..39 (p95 2000 ms), good from 40
    const load: LoadSecond[] = [];
    for (let t = 0; t < 80; t++) {
      if (t >= 20 && t < 35) load.push(sec(t, Array(10).fill(100), 10));
      else if (t >= 35 && t < 40) load.push(ok(t, 10, 2000));
      else load.push(ok(t));
    }
    assert.equal(timeToRecoverS(load, 20_000, slo), 20);
    // injection mid-second: 20.5 s → recovery stretch starts at 40 → 19.5 s
    assert.equal(timeToRecoverS(load, 20_500, slo), 19.5);
  });
  it('one bad second inside the stretch pushes it later', () => {
    const load: LoadSecond[] = [];
    for (let t = 0; t < 40; t++) load.push(t === 5 ? sec(t, Array(10).fill(100), 10) : ok(t));
    // stretches containing second 5 fail (10 % errors); first good stretch starts at 6
    assert.equal(timeToRecoverS(load, 0, slo), 6);
  });
  it('never recovering gives null', () => {
    const load = Array.from({ length: 30 }, (_, t) => sec(t, [100, 100], 2));
    assert.equal(timeToRecoverS(load, 0, slo), null);
  });
});

describe('replicas: scale-up reaction, peak, capacity back', () => {
  const p = (t: number, desired: number, ready: number, extra: Partial<PlatformSecond> = {}): PlatformSecond => ({ t, desiredReplicas: desired, readyReplicas: ready, ...extra });
  it('spike start → first increase of desired, → peak ready', () => {
    const plat = [p(0, 2, 2), p(30, 2, 2), p(41, 2, 2), p(42, 4, 2), p(50, 4, 4), p(60, 7, 5), p(75, 7, 7), p(90, 7, 7)];
    const r = scaleUp(plat, 30);
    assert.equal(r.reactionS, 12);
    assert.equal(r.timeToPeakReadyS, 45);
    assert.equal(r.peakReady, 7);
  });
  it('no increase → null reaction', () => {
    assert.equal(scaleUp([p(0, 2, 2), p(10, 2, 2)], 0).reactionS, null);
  });
  it('capacity back: after the drop, the first second ready ≥ desired', () => {
    const plat = [p(59, 3, 3), p(60, 3, 3), p(61, 3, 3), p(101, 3, 2), p(102, 3, 2), p(130, 3, 3)];
    assert.equal(capacityBackS(plat, 60), 70);
    assert.equal(capacityBackS([p(60, 3, 3), p(61, 3, 3)], 60), 0);
    assert.equal(capacityBackS([p(60, 3, 1), p(61, 3, 2)], 60), null);
  });
  it('gap seconds are ignored, not filled', () => {
    const plat = [p(0, 2, 2), p(1, 0, 0, { gap: true }), p(2, 2, 2)];
    assert.equal(capacityBackS(plat, 0), 0);
  });
});

describe('computeFigures: a rollout with exactly 3 failed requests', () => {
  it('counts failures inside the fault window only and the rollout duration', () => {
    const load: LoadSecond[] = [];
    for (let t = 0; t < 60; t++) load.push(t === 5 ? sec(t, [1, 1], 2) : t === 25 ? sec(t, Array(10).fill(50), 2) : t === 31 ? sec(t, Array(10).fill(50), 1) : ok(t));
    const f = computeFigures({
      load,
      platform: [],
      faults: [{ kind: 'rolling-update', startMs: 20_000, endMs: 34_400, subject: 'app' }],
      windows: [{ name: 'baseline', startS: 0, endS: 20 }, { name: 'fault', startS: 20, endS: 60 }],
      slo: { p95Ms: 1000, errorRate: 0.01 },
    });
    assert.equal(f.faults[0]!.failedRequests, 3);
    assert.equal(f.faults[0]!.rolloutDurationS, 14.4);
    assert.equal(f.windows[0]!.failures, 2);
    assert.equal(f.overall.failures, 5);
  });
});

describe('version share', () => {
  it('is the share of responses per version in each second', () => {
    const s = versionShare([sec(0, [1, 1, 1, 1], 0, { versions: { v1: 3, v2: 1 } })]);
    assert.deepEqual(s[0]!.shares, { v1: 0.75, v2: 0.25 });
  });
});
