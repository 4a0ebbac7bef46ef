import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FixtureLogEntry } from './fixture-config.ts';
import { connectionsOf, latencyOf, summarize } from './ground-truth.ts';

let seq = 0;
function entry(atMs: number, endMs: number | null, status: number, o: Partial<FixtureLogEntry> = {}): FixtureLogEntry {
  const outcome = endMs === null ? 'pending' : status === 200 ? 'served' : status === 503 ? 'fault-503' : 'stall-reset';
  return { seq: seq++, path: '/work', atMs, endMs, status, outcome, replica: status === 0 ? null : 'fixture-1', connection: 1, serviceMs: null, queueMs: null, fault: null, ...o };
}

describe('ground truth', () => {
  it('exact nearest-rank percentiles of answered requests; unanswered ones left out', () => {
    const log = [
      ...Array.from({ length: 100 }, (_, i) => entry(i, i + (i + 1), 200)), // latencies 1..100 ms
      entry(10, 5000, 0, { outcome: 'stall-reset' }),
      entry(20, null, 0),
    ];
    const s = summarize(log);
    assert.deepEqual([s.latency.p50Ms, s.latency.p95Ms, s.latency.p99Ms, s.latency.maxMs, s.latency.count], [50, 95, 99, 100, 100]);
    assert.equal(s.latency.meanMs, 50.5);
    assert.equal(s.requests, 102);
    assert.deepEqual(s.byOutcome, { served: 100, 'stall-reset': 1, pending: 1 });
    assert.deepEqual(latencyOf([]), { count: 0, p50Ms: null, p95Ms: null, p99Ms: null, meanMs: null, maxMs: null });
  });

  it('okLatency leaves out error answers, latency keeps them', () => {
    const s = summarize([entry(0, 100, 200), entry(0, 1, 503), entry(0, 300, 200)]);
    assert.equal(s.latency.count, 3);
    assert.equal(s.latency.p50Ms, 100);
    assert.equal(s.okLatency.count, 2);
    assert.equal(s.okLatency.p50Ms, 100);
    assert.equal(s.okLatency.maxMs, 300);
    assert.deepEqual(s.byStatus, { '200': 2, '503': 1 });
  });

  it('per second: started/succeeded/failed by arrival, completed by end', () => {
    const s = summarize([entry(100, 1500, 200), entry(900, 950, 503), entry(1200, 1300, 200), entry(2100, null, 0)]);
    assert.deepEqual(s.perSecond, [
      { t: 0, started: 2, succeeded: 1, failed: 1, completed: 1 },
      { t: 1, started: 1, succeeded: 1, failed: 0, completed: 2 },
      { t: 2, started: 1, succeeded: 0, failed: 0, completed: 0 },
    ]);
  });

  it('downtime: under half succeeded, or nothing arrived or completed while a request was pending', () => {
    const log = [
      // second 0: 2 of 2 ok
      entry(100, 150, 200), entry(200, 250, 200),
      // second 1: 1 of 3 ok → down
      entry(1100, 1150, 200), entry(1200, 1201, 503), entry(1300, 1301, 503),
      // second 2: one request stalls until 4.5 s → down (started, not succeeded)
      entry(2100, 4500, 0, { outcome: 'stall-reset' }),
      // second 3: nothing arrives or completes while it is pending → down
      // second 4: its reset completes, nothing else: up (something completed)
      // second 5: nothing at all, nothing pending: up
      // second 6: 1 of 2 ok: not under half → up
      entry(6100, 6150, 200), entry(6200, 6201, 503),
    ];
    const s = summarize(log);
    assert.deepEqual(s.downSeconds, [1, 2, 3]);
    assert.equal(s.downtimeS, 3);
    assert.equal(s.longestOutageS, 3);
  });

  it('a window counts only arrivals inside it, over exactly its seconds', () => {
    const log = [entry(-500, -400, 200), entry(500, 600, 200), entry(1500, 1600, 503), entry(2500, 2600, 200)];
    const s = summarize(log, 1, 2);
    assert.equal(s.requests, 1);
    assert.deepEqual(s.perSecond.map((x) => x.t), [1]);
    assert.deepEqual(s.downSeconds, [1]);
    assert.equal(s.toS, 2);
    const warm = summarize(log, -1);
    assert.equal(warm.requests, 4);
    assert.deepEqual(warm.perSecond.map((x) => x.t), [-1, 0, 1, 2]);
    assert.equal(warm.toS, null);
  });

  it('connections used by the window\'s requests, and requests per connection', () => {
    const log = [entry(-100, -50, 200, { connection: 1 }), entry(100, 150, 200, { connection: 2 }), entry(200, 250, 200, { connection: 2 }), entry(300, 350, 503, { connection: 3 })];
    const s = summarize(log);
    assert.equal(s.connectionsUsed, 2, 'the warm-up connection is outside the window');
    assert.deepEqual(s.requestsPerConnection, { mean: 1.5, min: 1, max: 2 });
    assert.deepEqual(summarize([]).requestsPerConnection, { mean: null, min: null, max: null });
  });

  it('connections: requests per connection over the ones that carried any', () => {
    assert.deepEqual(connectionsOf(5, 2, [10, 10, 0, 4, 6]), { accepted: 5, open: 2, withRequests: 4, requestsPerConnection: { mean: 7.5, min: 4, max: 10 } });
    assert.deepEqual(connectionsOf(0, 0, []), { accepted: 0, open: 0, withRequests: 0, requestsPerConnection: { mean: null, min: null, max: null } });
  });
});
