import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Deployment, V1Endpoints, V1Pod } from '@kubernetes/client-node';
import { HarnessError } from '../../model/index.ts';
import type { ServedBy } from '../net.ts';
import type { KubeClient } from './kube-client.ts';
import { KubeRun } from './kube-run.ts';
import type { KubeObject } from './manifests.ts';
import { kubeReplicas, scaleState } from './replicas.ts';

const signal = new AbortController().signal;

function pod(name: string, o: { ready?: boolean; terminating?: boolean } = {}): V1Pod {
  return {
    metadata: { name, ...(o.terminating ? { deletionTimestamp: new Date() } : {}) },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  } as V1Pod;
}
function deployment(want: number, s: { ready: number; available?: number; replicas?: number; gen?: number; obs?: number }): V1Deployment {
  return {
    metadata: { generation: s.gen ?? 2 },
    spec: { replicas: want, selector: {}, template: {} },
    status: { observedGeneration: s.obs ?? 2, replicas: s.replicas ?? want, readyReplicas: s.ready, availableReplicas: s.available ?? s.ready },
  } as V1Deployment;
}
function endpoints(ready: string[], notReady: string[] = []): V1Endpoints {
  const addr = (name: string, i: number) => ({ ip: `10.0.0.${i}`, targetRef: { kind: 'Pod', name } });
  return { subsets: [{ addresses: ready.map(addr), notReadyAddresses: notReady.map(addr) }] } as V1Endpoints;
}

describe('scaleState', () => {
  const three = ['a', 'b', 'c'].map((n) => pod(n));
  const table: Array<[string, V1Deployment, V1Pod[], V1Endpoints | null, boolean]> = [
    ['every condition holds', deployment(3, { ready: 3 }), three, endpoints(['a', 'b', 'c']), true],
    ['controller has not seen the new spec', deployment(3, { ready: 3, gen: 3, obs: 2 }), three, endpoints(['a', 'b', 'c']), false],
    ['a pod not ready yet', deployment(3, { ready: 2 }), [pod('a'), pod('b'), pod('c', { ready: false })], endpoints(['a', 'b'], ['c']), false],
    ['endpoints lag behind the pods', deployment(3, { ready: 3 }), three, endpoints(['a', 'b']), false],
    ['a removed pod is still in the endpoints', deployment(2, { ready: 2 }), [pod('a'), pod('b'), pod('c', { terminating: true })], endpoints(['a', 'b', 'c']), false],
    ['a terminating pod out of the endpoints no longer counts', deployment(2, { ready: 2 }), [pod('a'), pod('b'), pod('c', { terminating: true })], endpoints(['a', 'b']), true],
    ['no endpoints object', deployment(1, { ready: 1 }), [pod('a')], null, false],
  ];
  for (const [name, d, pods, ep, done] of table) {
    it(name, () => assert.equal(scaleState(d.spec!.replicas!, d, pods, ep).done, done, scaleState(d.spec!.replicas!, d, pods, ep).detail));
  }
});

/**
 * A cluster that follows patches: the Deployment's replicas become ready pods and endpoints
 * on the next read. `hpaOverwrites` = the HPA writes its old count back once after a patch.
 */
function fakeCluster(o: { hpaOverwrites?: boolean; patchError?: unknown } = {}) {
  let want = 2;
  let overwrite = o.hpaOverwrites ?? false;
  const patches: KubeObject[] = [];
  const names = (): string[] => Array.from({ length: want }, (_, i) => `api-${i}`);
  const run = new KubeRun({ name: 'local-k8s', preset: 'local-k8s', context: 'capbench-local-k8s', driver: undefined });
  run.namespace = 'capbench-run1';
  run.port = 31000;
  run.hpaApiVersion = 'autoscaling/v2beta2';
  const client = {
    mergePatch: async (obj: KubeObject) => {
      if (o.patchError !== undefined) throw o.patchError;
      patches.push(obj);
      if (obj.kind === 'Deployment') want = (obj['spec'] as { replicas: number }).replicas;
    },
    core: { readNamespacedEndpoints: async () => endpoints(names()) },
  };
  run.api = async () => client as unknown as KubeClient;
  run.readDeployment = async () => {
    if (overwrite) {
      overwrite = false;
      return deployment(2, { ready: 2 });
    }
    return deployment(want, { ready: want });
  };
  run.appPods = async () => names().map((n) => pod(n));
  let i = 0;
  const get = async (): Promise<ServedBy> => ({ status: 200, servedBy: names()[i++ % want]! });
  return { run, patches, get };
}

describe('kubernetes replicas', () => {
  it('pins the HPA to min = max = n, then the Deployment; resolves when n pods serve through the NodePort', async () => {
    const c = fakeCluster();
    const r = kubeReplicas(c.run, { timeoutMs: 5000, get: c.get });
    assert.equal(r.max, 32);
    await r.scale(5, signal);
    assert.deepEqual(c.patches, [
      { apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'api', namespace: 'capbench-run1' }, spec: { minReplicas: 5, maxReplicas: 5 } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'capbench-run1' }, spec: { replicas: 5 } },
    ]);
  });

  it('the HPA writing its older count back is pinned again', async () => {
    const c = fakeCluster({ hpaOverwrites: true });
    await kubeReplicas(c.run, { timeoutMs: 5000, get: c.get }).scale(3, signal);
    assert.deepEqual(c.patches.filter((p) => p.kind === 'Deployment').length, 2);
  });

  it('an invalid count is a usage error; an API failure rejects with the API\'s message', async () => {
    const c = fakeCluster({ patchError: { code: 422, body: JSON.stringify({ message: 'HorizontalPodAutoscaler.autoscaling "api" is invalid: spec.maxReplicas: Invalid value' }) } });
    const r = kubeReplicas(c.run, { timeoutMs: 5000, get: c.get });
    await assert.rejects(r.scale(33, signal), (e: unknown) => e instanceof HarnessError && e.exitCode === 2 && e.message === 'local-k8s: replicas must be an integer 1..32 (got 33)');
    await assert.rejects(r.scale(4, signal), /local-k8s: pinning HPA api to 4 must succeed \(got 422 HorizontalPodAutoscaler\.autoscaling "api" is invalid/);
  });

  it('pods that never become ready: rejects at the deadline with the pods\' state', async () => {
    const c = fakeCluster();
    c.run.appPods = async () => [pod('api-0'), pod('api-1', { ready: false })];
    await assert.rejects(kubeReplicas(c.run, { timeoutMs: 600, get: c.get }).scale(2, signal), /2 ready replicas in the Service's endpoints must be reached within 0\.6 s \(got .*2 pods \(1 ready\).*api-1 Running not-ready/);
  });

  it('before deploy: an error, nothing patched', async () => {
    const c = fakeCluster();
    c.run.namespace = '';
    await assert.rejects(kubeReplicas(c.run, { timeoutMs: 100 }).scale(2, signal), /scale\(\) must be called after deploy/);
    assert.equal(c.patches.length, 0);
  });
});
