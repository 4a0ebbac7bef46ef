import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlatformEvent } from '../../model/index.ts';
import { PlatformView, deploymentRolledOut } from './platform-view.ts';

function setup(): { view: PlatformView; events: PlatformEvent[]; at: { ms: number } } {
  const events: PlatformEvent[] = [];
  const at = { ms: 0 };
  return { view: new PlatformView((e) => events.push(e), () => at.ms), events, at };
}
const kinds = (evs: PlatformEvent[]): string[] => evs.map((e) => `${e.kind}${e.subject ? ` ${e.subject}` : ''}`);

const node = (name: string, ready: boolean): object => ({ metadata: { name }, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'Unknown' }] } });
const pod = (name: string, nodeName: string | undefined, ready: boolean, extra: { deleting?: boolean; phase?: string; reason?: string } = {}): object => ({
  metadata: { name, ...(extra.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
  spec: nodeName ? { nodeName } : {},
  status: { phase: extra.phase ?? 'Running', ...(extra.reason ? { reason: extra.reason } : {}), conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const dep = (o: { gen: number; obs: number; replicas: number; ready: number; updated: number; available: number; total?: number; version?: string; rev?: number }): object => ({
  metadata: { name: 'api', generation: o.gen, annotations: { 'deployment.kubernetes.io/revision': String(o.rev ?? 1) } },
  spec: { replicas: o.replicas, template: { spec: { containers: [{ name: 'app', env: [{ name: 'APP_VERSION', value: o.version ?? 'v1' }] }] } } },
  status: { observedGeneration: o.obs, replicas: o.total ?? o.replicas, readyReplicas: o.ready, updatedReplicas: o.updated, availableReplicas: o.available },
});
const hpa = (desired: number, cpu?: number, scaled?: { at: string; from: number }): object => ({
  metadata: { name: 'api' },
  status: { desiredReplicas: desired, currentReplicas: scaled?.from ?? desired, ...(scaled ? { lastScaleTime: scaled.at } : {}), ...(cpu === undefined ? {} : { currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cpu } } }] }) },
});

describe('PlatformView seconds', () => {
  it('app CPU from metrics.k8s.io: summed over running pods, only when every running pod has a reading', () => {
    const { view } = setup();
    view.apply('pod', 'add', pod('a', 'n1', true), true);
    view.apply('pod', 'add', pod('b', 'n2', true), true);
    view.apply('pod', 'add', pod('c', undefined, false, { phase: 'Pending' }), true);
    view.apply('pod', 'add', pod('old', 'n2', true, { deleting: true }), true);
    assert.equal(view.second(0).cpuCores, undefined, 'no reading yet');
    view.setPodCpu(new Map([['a', 0.1234], ['b', 0.05], ['old', 0.2]]));
    const s = view.second(1);
    assert.equal(s.cpuCores, 0.173, 'a + b; pending and terminating pods do not count');
    assert.deepEqual(s.cpuCoresByReplica, { a: 0.123, b: 0.05 });
    view.apply('pod', 'add', pod('d', 'n3', false));
    assert.equal(view.second(2).cpuCores, undefined, 'a new running pod without a reading: no figure rather than a partial one');
    view.setPodCpu(null);
    view.apply('pod', 'delete', pod('d', 'n3', false));
    assert.equal(view.second(3).cpuCores, undefined, 'readings withdrawn');
  });


  it('reports replicas, HPA, pods per node and node readiness', () => {
    const { view } = setup();
    view.apply('node', 'add', node('n1', true), true);
    view.apply('node', 'add', node('n2', true), true);
    view.apply('node', 'add', node('n3', false), true);
    view.apply('pod', 'add', pod('a', 'n1', true), true);
    view.apply('pod', 'add', pod('b', 'n2', true), true);
    view.apply('pod', 'add', pod('c', undefined, false, { phase: 'Pending' }), true);
    view.apply('pod', 'add', pod('old', 'n2', true, { deleting: true }), true);
    view.apply('deployment', 'add', dep({ gen: 1, obs: 1, replicas: 3, ready: 2, updated: 3, available: 2 }), true);
    view.apply('hpa', 'add', hpa(3, 85), true);
    assert.deepEqual(view.second(4), {
      t: 4,
      desiredReplicas: 3,
      readyReplicas: 2,
      updatedReplicas: 3,
      availableReplicas: 2,
      runningReplicas: 2,
      hpaDesiredReplicas: 3,
      hpaCpuPercent: 85,
      podsPerNode: { n1: 1, n2: 1, n3: 0 },
      nodesTotal: 3,
      nodesReady: 2,
    });
  });

  it('an HPA that has not computed yet (desired 0) reports nothing and no rescale', () => {
    const { view, events } = setup();
    view.apply('hpa', 'add', hpa(0), true);
    assert.equal(view.second(0).hpaDesiredReplicas, undefined);
    view.apply('hpa', 'update', hpa(2));
    assert.equal(events.length, 0);
    view.apply('hpa', 'update', hpa(4, 140));
    assert.deepEqual(events.map((e) => [e.kind, e.detail]), [['hpa-rescale', '2 → 4 (cpu 140 %)']]);
  });

  it('the first computed desired count is a rescale when the HPA stamped lastScaleTime (0 → 6 while metrics were missing)', () => {
    const { view, events } = setup();
    view.apply('hpa', 'add', hpa(0), true);
    view.apply('hpa', 'update', hpa(6, 250, { at: '2025-01-01T00:00:30Z', from: 2 }));
    view.apply('hpa', 'update', hpa(6, 240, { at: '2025-01-01T00:00:30Z', from: 6 }));
    assert.deepEqual(events.map((e) => [e.kind, e.detail]), [['hpa-rescale', '2 → 6 (cpu 250 %)']]);
  });

  it('reads the v1 HPA CPU field too', () => {
    const { view } = setup();
    view.apply('hpa', 'add', { metadata: { name: 'api' }, status: { desiredReplicas: 2, currentCPUUtilizationPercentage: 33 } }, true);
    assert.equal(view.second(0).hpaCpuPercent, 33);
  });

  it('a stale view answers gap seconds only, between watch-gap-start and watch-gap-end', () => {
    const { view, events, at } = setup();
    view.apply('deployment', 'add', dep({ gen: 1, obs: 1, replicas: 2, ready: 2, updated: 2, available: 2 }), true);
    at.ms = 5000;
    view.setFresh(false, 'pod watch: ECONNREFUSED');
    view.setFresh(false, 'again');
    assert.deepEqual(view.second(5), { t: 5, gap: true });
    at.ms = 9000;
    view.setFresh(true, 'watches resumed');
    assert.equal(view.second(9).readyReplicas, 2);
    assert.deepEqual(events.map((e) => [e.kind, e.atMs, e.detail]), [
      ['watch-gap-start', 5000, 'pod watch: ECONNREFUSED'],
      ['watch-gap-end', 9000, 'watches resumed'],
    ]);
  });
});

describe('PlatformView events', () => {
  it('pods: created, ready, unready, deleted; none for the initial list', () => {
    const { view, events } = setup();
    view.apply('pod', 'add', pod('a', 'n1', true), true);
    view.apply('pod', 'add', pod('b', undefined, false, { phase: 'Pending' }));
    view.apply('pod', 'update', pod('b', 'n2', false, { phase: 'Pending' }));
    view.apply('pod', 'update', pod('b', 'n2', true));
    view.apply('pod', 'update', pod('a', 'n1', false));
    view.apply('pod', 'delete', pod('a', 'n1', false));
    assert.deepEqual(kinds(events), ['pod-created b', 'pod-ready b', 'replica-unready a', 'pod-deleted a']);
  });

  it('nodes: not-ready / ready transitions; a node not ready at start is reported once', () => {
    const { view, events } = setup();
    view.apply('node', 'add', node('n1', true), true);
    view.apply('node', 'add', node('n2', false), true);
    view.apply('node', 'update', node('n1', true));
    view.apply('node', 'update', node('n1', false));
    view.apply('node', 'update', node('n1', false));
    view.apply('node', 'update', node('n1', true));
    assert.deepEqual(kinds(events), ['node-not-ready n2', 'node-not-ready n1', 'node-ready n1']);
  });

  it('pods deleted on a not-ready node are evictions; kubelet evictions too', () => {
    const { view, events } = setup();
    view.apply('node', 'add', node('n1', true), true);
    view.apply('pod', 'add', pod('a', 'n1', true), true);
    view.apply('pod', 'add', pod('b', 'n2', true), true);
    view.apply('node', 'update', node('n1', false));
    view.apply('pod', 'update', pod('a', 'n1', false, { deleting: true }));
    view.apply('pod', 'update', pod('b', 'n2', false, { phase: 'Failed', reason: 'Evicted' }));
    assert.deepEqual(
      events.filter((e) => e.kind === 'pod-evicted').map((e) => [e.subject, e.detail]),
      [
        ['a', 'n1: node not ready'],
        ['b', 'n2: Evicted'],
      ],
    );
  });

  it('a pod deleted on a healthy node (scale-down, rollout) is not an eviction', () => {
    const { view, events } = setup();
    view.apply('node', 'add', node('n1', true), true);
    view.apply('pod', 'add', pod('a', 'n1', true), true);
    view.apply('pod', 'update', pod('a', 'n1', true, { deleting: true }));
    assert.equal(events.filter((e) => e.kind === 'pod-evicted').length, 0);
  });

  it('rollout: start on a template change, finish when every replica is updated and available; scaling is no rollout', () => {
    const { view, events } = setup();
    view.apply('deployment', 'add', dep({ gen: 1, obs: 1, replicas: 2, ready: 2, updated: 2, available: 2 }), true);
    view.apply('deployment', 'update', dep({ gen: 2, obs: 2, replicas: 4, ready: 2, updated: 2, available: 2, version: 'v1' }));
    assert.equal(events.length, 0, 'HPA scaling changes the generation, not the template');
    view.apply('deployment', 'update', dep({ gen: 3, obs: 2, replicas: 4, ready: 4, updated: 4, available: 4, version: 'v2' }));
    view.apply('deployment', 'update', dep({ gen: 3, obs: 3, replicas: 4, ready: 4, updated: 1, available: 4, total: 5, version: 'v2', rev: 2 }));
    view.apply('deployment', 'update', dep({ gen: 3, obs: 3, replicas: 4, ready: 4, updated: 4, available: 4, total: 5, version: 'v2', rev: 2 }));
    view.apply('deployment', 'update', dep({ gen: 3, obs: 3, replicas: 4, ready: 4, updated: 4, available: 4, version: 'v2', rev: 2 }));
    view.apply('deployment', 'update', dep({ gen: 3, obs: 3, replicas: 4, ready: 4, updated: 4, available: 4, version: 'v2', rev: 2 }));
    assert.deepEqual(events.map((e) => [e.kind, e.detail]), [
      ['rollout-start', 'APP_VERSION=v2 (revision 2)'],
      ['rollout-finish', '4 replicas updated and available'],
    ]);
  });

  it('deploymentRolledOut needs the latest generation observed and old replicas gone', () => {
    assert.equal(deploymentRolledOut(dep({ gen: 2, obs: 1, replicas: 2, ready: 2, updated: 2, available: 2 }) as never), false);
    assert.equal(deploymentRolledOut(dep({ gen: 2, obs: 2, replicas: 2, ready: 2, updated: 2, available: 2, total: 3 }) as never), false);
    assert.equal(deploymentRolledOut(dep({ gen: 2, obs: 2, replicas: 2, ready: 2, updated: 2, available: 2 }) as never), true);
  });
});
