import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HarnessError } from '../../model/index.ts';
import { deployment, endpoints, pod } from '../../testing/kube-objects.ts';
import type { ServedBy } from '../net.ts';
import type { KubeClient } from './kube-client.ts';
import { KubeRun } from './kube-run.ts';
import type { KubeObject } from './manifests.ts';
import { kubeReplicas } from './replicas.ts';

const signal = new AbortController().signal;

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
    await assert.rejects(kubeReplicas(c.run, { timeoutMs: 600, get: c.get }).scale(2, signal), /local-k8s: scale to 2: 2 ready replicas in the Service's endpoints, answering through NodePort 31000, must be reached within 0\.6 s \(got .*2 pods \(1 ready\).*api-1 Running not-ready/);
  });

  it('before deploy: an error, nothing patched', async () => {
    const c = fakeCluster();
    c.run.namespace = '';
    await assert.rejects(kubeReplicas(c.run, { timeoutMs: 100 }).scale(2, signal), /scale\(\) must be called after deploy/);
    assert.equal(c.patches.length, 0);
  });
});
