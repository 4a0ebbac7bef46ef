/**
 * End to end: `--k8s-entry ingress` on the local-k8s cluster (as test/e2e/k8s.test.ts brings
 * it up). A quick node crash with a new connection per iteration goes through HAProxy in the
 * cluster: HAProxy's own counters must show the users' requests, its health checks must mark
 * the crashed node's pods down before the endpoints controller removes them, and the run must
 * record the entry and the degraded seconds. Leaves the cluster down (CAPBENCH_KEEP_CLUSTER=1
 * keeps it). Skipped only with CAPBENCH_SKIP_K8S=1.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readRun } from '../../src/store/run-store.ts';
import { cli, clusterCli, tempDir } from '../cli-harness.ts';

const skip = process.env.CAPBENCH_SKIP_K8S === '1' ? 'CAPBENCH_SKIP_K8S=1' : false;

describe('local-k8s through the in-cluster HAProxy (--k8s-entry ingress)', { skip, timeout: 15 * 60_000 }, () => {
  before(() => clusterCli('up', 'local-k8s'));
  after(() => clusterCli('down', 'local-k8s'));

  it('quick node crash, per-iteration connections: requests through HAProxy, the dead pods marked down by its health checks before their endpoints went, degraded seconds recorded', async () => {
    // time × 0.6: the node stays down 66 s, past NotReady (grace 50 s) and the endpoints' removal
    const out = tempDir();
    const r = await cli(['run', 'node-crash', '--quick', '--time-scale', '0.6', '--target', 'local-k8s', '--k8s-entry', 'ingress', '--connections', 'per-iteration', '--driver', 'builtin', '--no-report', '--out', out]);
    assert.equal(r.code, 0, `${r.err}\n${r.out.slice(-4000)}`);
    const saved = readRun(join(out, readdirSync(out)[0]!));
    assert.equal(saved.record.connections, 'per-iteration');
    const t = saved.record.targets[0]!;
    assert.equal(t.status, 'completed', t.error);
    assert.equal(t.description.k8sEntry, 'ingress');
    assert.match(String(t.description.entry), /^L7: HAProxy in the cluster .*health checks to each pod every 1 s.*retried once/);
    assert.match(t.baseUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/, 'users go to HAProxy\'s NodePort on loopback');

    const w = t.faults[0]!;
    assert.equal(w.kind, 'node-crash');
    assert.ok(w.endMs !== undefined, 'the node was restored');
    const lbNode = /on node (\S+)/.exec(String(t.description.loadBalancer))?.[1];
    assert.ok(lbNode !== undefined && lbNode !== w.subject, `HAProxy (on ${lbNode}) is not on the crashed node ${w.subject}`);

    const series = saved.series['local-k8s']!;
    const requests = series.load.reduce((n, s) => n + s.requests, 0);
    const note = series.events.find((e) => e.kind === 'note' && (e.detail ?? '').startsWith('HAProxy since deploy:'));
    assert.ok(note, `HAProxy's counters recorded (events: ${series.events.map((e) => e.kind).join(' ')})`);
    const inbound = Number(/: (\d+) requests in/.exec(note.detail!)?.[1]);
    assert.ok(inbound >= requests && requests > 100, `HAProxy received every request of the run (${inbound} in, the load counted ${requests}): ${note.detail}`);

    const on = (e: { detail?: string }): boolean => (e.detail ?? '').startsWith(`${w.subject} `);
    const during = series.events.filter((e) => e.atMs >= w.startMs && e.atMs <= w.endMs! && on(e));
    const downs = during.filter((e) => e.kind === 'lb-server-down');
    const removed = during.filter((e) => e.kind === 'endpoint-removed');
    const rel = (ms: number): string => `${((ms - w.startMs) / 1000).toFixed(1)} s`;
    const story = `crash of ${w.subject}; HAProxy down: ${downs.map((e) => `${e.subject} ${rel(e.atMs)}`).join(', ') || 'none'}; endpoints removed: ${removed.map((e) => `${e.subject} ${rel(e.atMs)}`).join(', ') || 'none'}`;
    console.log(`# ${story}`);
    assert.ok(downs.length > 0, `HAProxy marked the crashed node's pods down (${story})`);
    assert.ok(removed.length > 0, `the endpoints controller removed them within the down time (${story})`);
    for (const d of downs) {
      const gone = removed.find((e) => e.subject === d.subject);
      assert.ok(gone === undefined || d.atMs < gone.atMs, `${d.subject}: HAProxy marked it down before its endpoint was removed (${story})`);
    }
    // fall 2 × inter 1 s, read every 0.5 s; generous for a busy 2-core host
    assert.ok(downs[0]!.atMs - w.startMs < 10_000, `HAProxy marked the first dead pod down within 10 s (${story})`);

    const ff = t.figures!.faults[0]!;
    assert.equal(typeof t.figures!.degradedS, 'number', 'degraded seconds recorded');
    assert.equal(typeof ff.degradedS, 'number', 'degraded seconds of the fault window recorded');
    assert.equal(typeof ff.errorRate, 'number', 'the fault window\'s error rate recorded');
    console.log(`# through HAProxy: fault window error rate ${((ff.errorRate ?? 0) * 100).toFixed(2)} %, degraded ${ff.degradedS} s, time to recover ${ff.timeToRecoverS} s; ${note.detail}`);
  });
});
