/**
 * KubeSampler against a fake API server (plain HTTP on 127.0.0.1): informers list and
 * watch, one second per clock second, app CPU from metrics.k8s.io, and an API outage shows
 * as gap seconds between watch-gap-start and watch-gap-end — never as filled-in values.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PlatformEvent, PlatformSecond } from '../../model/index.ts';
import { Clock } from '../../model/clock.ts';
import { KubeSampler } from './sampler.ts';
import { k8s } from './kube-lib.ts';

const NS = 'capbench-test';
const lib = await k8s().catch((e: Error) => e);

const objects: Record<string, object[]> = {
  '/api/v1/nodes': ['n1', 'n2', 'n3'].map((name) => ({ metadata: { name, resourceVersion: '1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } })),
  [`/apis/apps/v1/namespaces/${NS}/deployments`]: [
    {
      metadata: { name: 'api', namespace: NS, generation: 1, resourceVersion: '1', annotations: { 'deployment.kubernetes.io/revision': '1' } },
      spec: { replicas: 2, selector: {}, template: {} },
      status: { observedGeneration: 1, replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 },
    },
  ],
  [`/apis/apps/v1/namespaces/${NS}/replicasets`]: [],
  [`/api/v1/namespaces/${NS}/pods`]: ['a', 'b'].map((name, i) => ({
    metadata: { name, namespace: NS, resourceVersion: '1' },
    spec: { nodeName: `n${i + 1}`, containers: [] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  })),
  [`/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`]: [{ metadata: { name: 'api', namespace: NS, resourceVersion: '1' }, status: { desiredReplicas: 2, currentReplicas: 2 } }],
};
/** metrics.k8s.io as metrics-server / the local-k8s adapter answer it: nanocores and millicores */
const podMetrics = {
  kind: 'PodMetricsList',
  apiVersion: 'metrics.k8s.io/v1beta1',
  metadata: {},
  items: [
    { metadata: { name: 'a', namespace: NS }, timestamp: '2024-01-01T00:00:00Z', window: '30s', containers: [{ name: 'app', usage: { cpu: '120000000n', memory: '20Mi' } }] },
    { metadata: { name: 'b', namespace: NS }, timestamp: '2024-01-01T00:00:00Z', window: '30s', containers: [{ name: 'app', usage: { cpu: '80m', memory: '20Mi' } }] },
  ],
};
const discovery: Record<string, object> = {
  '/api/v1': { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'nodes', kind: 'Node', namespaced: false, verbs: ['list', 'watch'] }, { name: 'pods', kind: 'Pod', namespaced: true, verbs: ['list', 'watch'] }] },
  '/apis/apps/v1': { kind: 'APIResourceList', groupVersion: 'apps/v1', resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true, verbs: ['list'] }, { name: 'replicasets', kind: 'ReplicaSet', namespaced: true, verbs: ['list'] }] },
  '/apis/autoscaling/v2': { kind: 'APIResourceList', groupVersion: 'autoscaling/v2', resources: [{ name: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true, verbs: ['list'] }] },
};

function handler(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const json = (body: object): void => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === '/version') return json({ gitVersion: 'v1.99.0-fake' });
  if (url.pathname === `/apis/metrics.k8s.io/v1beta1/namespaces/${NS}/pods`) return json(podMetrics);
  if (discovery[url.pathname]) return json(discovery[url.pathname]!);
  const items = objects[url.pathname];
  if (!items) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', code: 404, message: `no ${url.pathname}` }));
    return;
  }
  if (url.searchParams.get('watch') === 'true') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('\n'); // headers out; the watch stays open and quiet
    return;
  }
  json({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items });
}

class FakeApi {
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  port = 0;
  async up(): Promise<void> {
    const s = createServer(handler);
    s.on('connection', (sock) => {
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
    });
    await new Promise<void>((resolve) => s.listen(this.port, '127.0.0.1', resolve));
    const a = s.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
    this.server = s;
  }
  async down(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    for (const sock of this.sockets) sock.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

describe('KubeSampler', { skip: lib instanceof Error ? `@kubernetes/client-node does not load here: ${lib.message}` : false }, () => {
  const api = new FakeApi();
  after(() => api.down());

  it('samples each second, and an API outage becomes gap seconds between watch-gap-start and watch-gap-end', { timeout: 60_000 }, async () => {
    if (lib instanceof Error) return;
    await api.up();
    const kc = new lib.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${api.port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'test' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'u' }],
      currentContext: 'fake',
    });
    const sampler = new KubeSampler({ kc, namespace: NS, runSelector: 'capbench.run-id=x', appSelector: 'app=x', hpaApiVersion: 'autoscaling/v2', restartDelayMs: 300, healthPeriodMs: 300 });
    const seconds: PlatformSecond[] = [];
    const events: PlatformEvent[] = [];
    const clock = new Clock();
    await sampler.start(clock, { second: (s) => seconds.push(s), event: (e) => events.push(e) });
    clock.start();
    try {
      // the first metrics.k8s.io reading arrives shortly after start (slower on a busy machine)
      const first = Date.now() + 15_000;
      while (Date.now() < first && (seconds.length < 2 || seconds.at(-1)!.cpuCores === undefined)) await sleep(100);
      assert.ok(seconds.length >= 2, `one second per clock second (got ${seconds.length})`);
      assert.deepEqual(
        seconds.map((s) => s.t),
        seconds.map((_, i) => i),
      );
      assert.deepEqual(
        { ...seconds.at(-1), t: 0 },
        {
          t: 0,
          desiredReplicas: 2,
          readyReplicas: 2,
          updatedReplicas: 2,
          availableReplicas: 2,
          runningReplicas: 2,
          hpaDesiredReplicas: 2,
          podsPerNode: { n1: 1, n2: 1, n3: 0 },
          nodesTotal: 3,
          nodesReady: 3,
          // from metrics.k8s.io: 0.12 + 0.08 cores
          cpuCores: 0.2,
          cpuCoresByReplica: { a: 0.12, b: 0.08 },
        },
      );
      assert.equal(events.length, 0);

      await api.down();
      await sleep(3000);
      const during = seconds.at(-1)!;
      assert.deepEqual(during, { t: during.t, gap: true }, 'a second without fresh data carries nothing but gap');
      assert.deepEqual(events.map((e) => e.kind), ['watch-gap-start']);

      await api.up();
      const until = Date.now() + 15_000;
      while (Date.now() < until && !events.some((e) => e.kind === 'watch-gap-end')) await sleep(100);
      await sleep(1200);
      assert.deepEqual(events.map((e) => e.kind), ['watch-gap-start', 'watch-gap-end']);
      assert.equal(seconds.at(-1)!.gap, undefined);
      assert.equal(seconds.at(-1)!.readyReplicas, 2);
      const gaps = seconds.filter((s) => s.gap).length;
      assert.ok(gaps >= 2, `outage seconds are gaps (got ${gaps})`);
    } finally {
      await sampler.stop();
    }
    const n = events.length;
    await sleep(300);
    assert.equal(events.length, n, 'stop() reports no gap');
  });
});
