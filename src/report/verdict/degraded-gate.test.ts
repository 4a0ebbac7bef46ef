import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeFigures } from '../../measure/figures.ts';
import { encodeHistogram, newHistogram, recordMs } from '../../measure/histogram.ts';
import type { LoadSecond, StartSecond, TargetRun } from '../../model/index.ts';
import { loadSloFile, parseSlo, type SloConfig } from '../../scenario/slo-file.ts';
import type { ReportRun, ReportTarget } from '../runs.ts';
import { evaluateTarget } from './verdict.ts';

/** A node crash on Kubernetes as issue 16 measured it: 29 % of requests failing for 40 s, never half. */
function partialOutage(): ReportTarget['figures'] {
  const h = newHistogram();
  for (let i = 0; i < 100; i++) recordMs(h, 80);
  const histogram = encodeHistogram(h);
  const starts: StartSecond[] = [];
  const load: LoadSecond[] = [];
  for (let t = 0; t < 180; t++) {
    const failures = t >= 30 && t < 70 ? 29 : 0;
    starts.push({ t, requests: 100, failures, failuresByReason: failures ? { network_error: failures } : {}, histogram, waiting: 0, waitingFailures: 0 });
    load.push({ t, vus: 30, requests: 100, failures, failuresByReason: failures ? { network_error: failures } : {}, histogram, servedBy: {}, versions: {} });
  }
  return computeFigures({ load, starts, platform: [], faults: [{ kind: 'node-crash', startMs: 30_000, endMs: 90_000, subject: 'worker-2' }], windows: [], slo: { p95Ms: 1000, errorRate: 0.01 }, durationS: 180 });
}

const gated = (gates: Record<string, number>): SloConfig => parseSlo({ scenarios: { 'node-crash': { gates } } }, 'test-slo.yaml');

function judge(slo: SloConfig) {
  const run = { saved: { record: { runId: 'r', scenario: 'node-crash' } } } as unknown as ReportRun;
  const figures = partialOutage();
  // one run, no repetitions: the target is its only repetition
  const target = { run: { name: 'local-k8s', kind: 'kubernetes', status: 'completed' } as TargetRun, figures, repetitions: [{ figures }] } as ReportTarget;
  return evaluateTarget(run, target, slo);
}

test('the degraded-time gate sees a partial outage the downtime gate passes', () => {
  const [down, degraded] = [judge(gated({ downtimeS: 0 })), judge(gated({ degradedS: 39 }))];
  assert.deepEqual(down.map((g) => [g.gate, g.actual, g.pass]), [['downtimeS', 0, true]]);
  assert.deepEqual(degraded.map((g) => [g.gate, g.actual, g.pass, g.overBy]), [['degradedS', 40, false, 1]]);
  assert.match(degraded[0]!.text, /^degraded time: 40 s > 39 s \(over by 1 s\)$/);
  assert.deepEqual(judge(gated({ degradedS: 40, longestDegradedS: 40 })).map((g) => g.pass), [true, true], 'the limit itself passes');
});

test('the shipped SLO file gates node-crash degraded time at 60 s', () => {
  const g = judge(loadSloFile()).find((x) => x.gate === 'degradedS');
  assert.deepEqual([g?.actual, g?.limit, g?.pass], [40, 60, true]);
});
