import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { NodesCapability } from '../target.ts';
import type { ClusterDriver } from './cluster-drivers.ts';
import type { KubeRun } from './kube-run.ts';
import { kubeCleanup } from './leftovers.ts';

/** A run on a cluster with managed namespaces of runs `ids`; records deletions and restores. */
function cluster(ids: string[]) {
  const deleted: string[] = [];
  const restored: string[] = [];
  const client = {
    core: { listNamespace: async () => ({ items: ids.map((id) => ({ metadata: { name: `capbench-${id}`, labels: { 'capbench.run-id': id } }, status: { phase: 'Active' } })) }) },
    deleteNamespace: async (n: string) => void deleted.push(n),
  };
  const run = { namespace: '', where: async () => 'context capbench-local-k8s', api: async () => client } as unknown as KubeRun;
  const nodes = { restore: async (n: string) => void restored.push(n) } as unknown as NodesCapability;
  const driver = { machinesDown: async () => ['127.0.0.3'] } as unknown as ClusterDriver;
  return { run, nodes, driver, deleted, restored };
}

it('cleanup leaves a down node alone while another run is alive (it may have crashed it on purpose), restores it otherwise', async () => {
  const busy = cluster(['live-run', 'dead-run']);
  const lines = await kubeCleanup(busy.run, (id) => id === 'live-run', busy.nodes, busy.driver);
  assert.deepEqual(busy.restored, []);
  assert.deepEqual(busy.deleted, ['capbench-dead-run'], 'the dead run\'s namespace still goes');
  assert.match(lines[0]!, /node 127\.0\.0\.3 is down but run live-run is alive: left for that run to restore/);

  const idle = cluster(['dead-run']);
  await kubeCleanup(idle.run, () => false, idle.nodes, idle.driver);
  assert.deepEqual(idle.restored, ['127.0.0.3']);
});
