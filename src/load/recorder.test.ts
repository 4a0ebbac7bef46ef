import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadSecond } from '../model/index.ts';
import { decodeHistogram } from '../measure/histogram.ts';
import { LoadRecorder, failureReason } from './recorder.ts';

describe('failureReason follows DESIGN.md (k6 http_req_failed)', () => {
  const cases: Array<[string, { status?: number; error?: string }, string | null]> = [
    ['200 ok', { status: 200 }, null],
    ['399 ok', { status: 399 }, null],
    ['302 ok', { status: 302 }, null],
    ['199 fails', { status: 199 }, 'status_199'],
    ['400 fails', { status: 400 }, 'status_400'],
    ['503 fails', { status: 503 }, 'status_503'],
    ['timeout', { status: 0, error: 'timeout' }, 'timeout'],
    ['refused', { error: 'ECONNREFUSED' }, 'ECONNREFUSED'],
    ['no status no error', {}, 'no_response'],
  ];
  for (const [name, o, want] of cases) it(name, () => assert.equal(failureReason(o), want));
});

describe('LoadRecorder', () => {
  it('tells where the schedule began once: the start of the first request recorded (warm-up left out)', () => {
    const firsts: number[] = [];
    const r = new LoadRecorder(() => {}, { onFirstRequest: (ms) => firsts.push(ms) });
    r.record({ atMs: -5, durationMs: 10, status: 200 });
    r.record({ atMs: 2900, durationMs: 40, status: 200 });
    r.record({ atMs: 3100, durationMs: 10, startMs: 3050, status: 200 });
    assert.deepEqual(firsts, [2860]);
  });

  it('buckets by completion second, drops warm-up, emits every second without holes', () => {
    const out: LoadSecond[] = [];
    const r = new LoadRecorder((s) => out.push(s));
    r.record({ atMs: -5, durationMs: 10, status: 200 });
    r.setVUs(0, 3);
    r.record({ atMs: 100, durationMs: 10, status: 200, version: 'v1', servedBy: 'a' });
    r.record({ atMs: 999, durationMs: 20, status: 503, version: 'v1', servedBy: 'b' });
    r.record({ atMs: 3500, durationMs: 30, status: 0, error: 'timeout' });
    r.finish(4);
    assert.deepEqual(out.map((s) => s.t), [0, 1, 2, 3, 4]);
    assert.equal(out[0]!.requests, 2);
    assert.equal(out[0]!.failures, 1);
    assert.deepEqual(out[0]!.failuresByReason, { status_503: 1 });
    assert.deepEqual(out[0]!.versions, { v1: 2 });
    assert.deepEqual(out[0]!.servedBy, { a: 1, b: 1 });
    assert.equal(out[1]!.requests, 0);
    assert.equal(out[1]!.vus, 3, 'VUs carry over into quiet seconds');
    assert.equal(out[3]!.failuresByReason.timeout, 1);
    assert.equal(decodeHistogram(out[0]!.histogram).totalCount, 2);
    assert.equal(r.totalRequests, 3);
  });
  it('memory stays bounded: seconds older than the lateness are emitted while recording', () => {
    const out: LoadSecond[] = [];
    const r = new LoadRecorder((s) => out.push(s), { latenessS: 3 });
    for (let t = 0; t < 100; t++) r.record({ atMs: t * 1000 + 1, durationMs: 1, status: 200 });
    assert.ok(out.length >= 96, `emitted ${out.length} seconds before finish`);
  });
  it('counts outcomes that arrive after their second was written, instead of losing them silently', () => {
    const r = new LoadRecorder(() => {}, { latenessS: 1 });
    r.record({ atMs: 5000, durationMs: 1, status: 200 });
    r.record({ atMs: 1000, durationMs: 1, status: 200 });
    assert.equal(r.lateOutcomes, 1);
  });
});
