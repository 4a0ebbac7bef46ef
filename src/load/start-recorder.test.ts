import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadSecond, StartSecond } from '../model/index.ts';
import { decodeHistogram } from '../measure/histogram.ts';
import { LoadRecorder } from './recorder.ts';

function recorder(timeoutMs: number, latenessS = 3): { r: LoadRecorder; seconds: LoadSecond[]; starts: StartSecond[] } {
  const seconds: LoadSecond[] = [];
  const starts: StartSecond[] = [];
  const r = new LoadRecorder((s) => seconds.push(s), { latenessS, starts: { timeoutMs, emit: (s) => starts.push(s) } });
  return { r, seconds, starts };
}

describe('LoadRecorder by start second', () => {
  it('a request that hangs until its timeout counts in the second it started, and its user waits through the seconds between', () => {
    const { r, seconds, starts } = recorder(10_000);
    r.record({ atMs: 500, startMs: 400, durationMs: 100, status: 200 });
    // started at 2.2 s, timed out at 12.2 s
    r.record({ atMs: 12_200, startMs: 2_200, durationMs: 10_000, status: 0, error: 'timeout' });
    r.finish(12);
    assert.deepEqual(starts.map((s) => s.t), Array.from({ length: 13 }, (_, i) => i), 'in order, without holes');
    assert.equal(starts[0]!.requests, 1);
    assert.equal(starts[0]!.failures, 0);
    assert.equal(starts[2]!.requests, 1);
    assert.deepEqual(starts[2]!.failuresByReason, { timeout: 1 });
    assert.equal(decodeHistogram(starts[2]!.histogram).totalCount, 1);
    for (let t = 3; t <= 12; t++) assert.deepEqual([starts[t]!.waiting, starts[t]!.waitingFailures], [1, 1], `second ${t}`);
    assert.equal(starts[2]!.waiting, 0, 'not waiting in the second it started');
    assert.equal(starts[1]!.requests + starts[1]!.waiting, 0);
    // by completion, the same failure lands in second 12
    assert.equal(seconds[12]!.failures, 1);
    assert.equal(seconds[2]!.requests, 0);
  });

  it('without startMs (k6), the start is the end minus the duration', () => {
    const { r, starts } = recorder(5_000);
    r.record({ atMs: 7_300, durationMs: 5_000, status: 0, error: 'timeout' });
    r.finish(7);
    assert.equal(starts[2]!.failures, 1);
    assert.equal(starts[7]!.waitingFailures, 1);
  });

  it('a start second is written only once every request started in it has completed or timed out', () => {
    const { r, seconds, starts } = recorder(10_000, 3);
    for (let t = 0; t < 30; t++) r.record({ atMs: t * 1000 + 50, startMs: t * 1000, durationMs: 50, status: 200 });
    // completion seconds trail by the lateness (3 s); start seconds by the timeout (10 s) + 1 + the lateness
    assert.equal(seconds.length, 26);
    assert.equal(starts.length, 15);
    assert.equal(starts[starts.length - 1]!.t, 14);
    r.finish(29);
    assert.equal(starts.length, 30);
    assert.ok(starts.every((s) => s.requests === 1));
  });

  it('an outcome whose start second was already written is counted, not lost silently', () => {
    const { r } = recorder(1_000, 1);
    r.record({ atMs: 20_000, startMs: 19_990, durationMs: 10, status: 200 });
    r.record({ atMs: 20_001, startMs: 2_000, durationMs: 18_001, status: 200 });
    assert.equal(r.lateStarts, 1);
  });

  it('warm-up requests (started before t=0) are not a start second, but a user waiting on one after t=0 is', () => {
    const { r, starts } = recorder(10_000);
    r.record({ atMs: 2_500, startMs: -500, durationMs: 3_000, status: 200 });
    r.finish(2);
    assert.equal(starts.reduce((n, s) => n + s.requests, 0), 0);
    assert.deepEqual(starts.map((s) => s.waiting), [1, 1, 1]);
  });

  it('without `starts`, no start seconds are kept (the builtin and k6 drivers ask for them)', () => {
    const seconds: LoadSecond[] = [];
    const r = new LoadRecorder((s) => seconds.push(s));
    r.record({ atMs: 100, startMs: 0, durationMs: 100, status: 200 });
    r.finish(0);
    assert.equal(seconds.length, 1);
    assert.equal(r.lateStarts, 0);
  });
});
