import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TargetFigures, WindowFigures } from '../model/index.ts';
import { flattenFigures, medianFigures, summarise, summariseFigures, summaryText } from './repeated-figures.ts';

const win = (name: string, p95Ms: number | null, requests = 100): WindowFigures => ({ name, startS: 0, endS: 10, requests, failures: 0, errorRate: 0, throughputRps: 10, avgMs: 5, p50Ms: 4, p95Ms, p99Ms: 9, maxMs: 12 });
const figs = (p95Ms: number, downtimeS: number, ttr: number | null): TargetFigures => ({
  windows: [win('calm', p95Ms / 2), win('spike', p95Ms)],
  overall: win('overall', p95Ms),
  downtimeS,
  longestOutageS: downtimeS,
  availabilityBasis: 'start-second',
  scaleUpReactionS: null,
  timeToPeakReadyS: null,
  peakReadyReplicas: 2,
  minReadyReplicas: 1,
  peakDesiredReplicas: 2,
  faults: [{ window: { kind: 'node-crash', subject: 'n1', startMs: 0, endMs: 1000 }, failedRequests: 3, requests: 10, timeToRecoverS: ttr, capacityBackS: null, rolloutDurationS: null }],
});

describe('figures of repeated runs', () => {
  it('names every figure by its path; bounds and labels are not figures', () => {
    const paths = [...flattenFigures(figs(100, 2, 5)).keys()];
    for (const p of ['overall.p95Ms', 'windows.spike.p95Ms', 'windows.calm.p95Ms', 'downtimeS', 'faults.node-crash.timeToRecoverS', 'peakReadyReplicas']) assert.ok(paths.includes(p), p);
    assert.ok(!paths.some((p) => /startS|endS|name|window\.|availabilityBasis/.test(p)), paths.join(' '));
  });
  it('median and order-statistic interval with its achieved coverage (5 runs: the range, 93.75 %)', () => {
    const s = summariseFigures([100, 120, 90, 110, 105].map((p) => figs(p, 0, 4)))['overall.p95Ms']!;
    assert.deepEqual([s.n, s.median, s.lower, s.upper, s.coverage, s.method], [5, 105, 90, 120, 0.9375, 'order-statistic']);
    assert.deepEqual(s.values, [100, 120, 90, 110, 105]);
  });
  it('one run: no interval, said as such', () => {
    const s = summarise([42]);
    assert.deepEqual([s.median, s.lower, s.method], [42, null, 'single-run']);
    assert.equal(summaryText(s, String), '42');
  });
  it('a figure some repetitions lack (never recovered): counted as missing; no median when most lack it', () => {
    const some = summarise([5, null, 7]);
    assert.deepEqual([some.n, some.missing, some.median], [2, 1, 6]);
    assert.equal(summarise([5, null, null]).median, null);
  });
  it('the median figures keep the first repetition\'s shape with every figure the median', () => {
    const m = medianFigures([figs(100, 0, 4), figs(300, 4, null), figs(200, 2, 6)]);
    assert.equal(m.overall.p95Ms, 200);
    assert.equal(m.windows[1]!.name, 'spike');
    assert.equal(m.windows[0]!.p95Ms, 100);
    assert.equal(m.downtimeS, 2);
    assert.equal(m.faults[0]!.timeToRecoverS, 5);
    assert.equal(m.faults[0]!.window.subject, 'n1');
  });
  it('text: median [lo, hi] (n = …, coverage)', () => {
    assert.equal(summaryText(summarise([1, 3, 2]), (v) => `${v} s`), '2 s [1 s, 3 s] (n = 3, 75 %)');
  });
});
