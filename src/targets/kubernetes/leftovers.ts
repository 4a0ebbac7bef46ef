import { setTimeout as sleep } from 'node:timers/promises';
import { HarnessError } from '../../model/index.ts';
import type { RunIsAlive } from '../run-liveness.ts';
import type { NodesCapability } from '../target.ts';
import type { ClusterDriver } from './cluster-drivers.ts';
import { errText } from './kube-client.ts';
import type { KubeRun } from './kube-run.ts';
import { MANAGED_SELECTOR } from './manifests.ts';

/** Deletes the run's namespace (everything it created) and, unless `fast`, waits until it is gone. Idempotent. */
export async function teardownRun(run: KubeRun, fast: boolean, timeoutMs: number): Promise<void> {
  const c = run.existingClient;
  if (!run.namespace || !c) return;
  const ns = run.namespace;
  const deleted = await c.deleteNamespace(ns).catch((e: unknown) => {
    throw new HarnessError(`${run.name}: namespace ${ns} must be deleted (got ${errText(e)})`, { code: 'internal', hint: 'run `npx capbench cleanup` once the cluster answers' });
  });
  if (!deleted || fast) return;
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (!(await c.namespaceExists(ns).catch(() => true))) return;
    await sleep(1000);
  }
  throw new HarnessError(`${run.name}: namespace ${ns} must be gone within ${timeoutMs / 1000} s (got still terminating)`, { code: 'internal', hint: `kubectl --context ${run.o.context} get ns ${ns} -o yaml` });
}

/** Namespaces capbench made for other runs, with whether their harness is still alive. */
async function runNamespaces(run: KubeRun, runIsAlive: RunIsAlive): Promise<Array<{ name: string; runId: string; phase: string; alive: boolean }>> {
  const c = await run.api();
  const list = await c.core.listNamespace({ labelSelector: MANAGED_SELECTOR });
  return list.items
    .filter((n) => n.metadata?.name !== run.namespace)
    .map((n) => ({ name: n.metadata?.name ?? '?', runId: n.metadata?.labels?.['capbench.run-id'] ?? '?', phase: n.status?.phase ?? '?' }))
    .map((n) => ({ ...n, alive: runIsAlive(n.runId) }));
}

/** Namespaces capbench made for other runs whose harness is gone (a live run's namespace is not a leftover). */
async function leftoverNamespaces(run: KubeRun, runIsAlive: RunIsAlive): Promise<Array<{ name: string; runId: string; phase: string }>> {
  return (await runNamespaces(run, runIsAlive)).filter((n) => !n.alive);
}

/** Leftover namespaces and nodes that are down. */
export async function kubeLeftovers(run: KubeRun, runIsAlive: RunIsAlive, nodes: NodesCapability | undefined): Promise<string[]> {
  const out: string[] = [];
  try {
    for (const n of await leftoverNamespaces(run, runIsAlive)) out.push(`namespace ${n.name} (run ${n.runId}${n.phase === 'Terminating' ? ', terminating' : ''})`);
  } catch (e) {
    out.push(`cannot list namespaces on ${run.o.context}: ${errText(e)}`);
  }
  if (nodes) for (const n of await nodes.down().catch(() => [])) out.push(`node ${n} is down`);
  return out;
}

/**
 * Restores crashed nodes, deletes leftover namespaces; returns what was done. While another
 * run on the cluster is alive a down node is left alone: that run may have crashed it on
 * purpose and restores it itself (a `capbench cleanup` beside a node-crash run once brought
 * the node back mid-crash, so the pods were never evicted).
 */
export async function kubeCleanup(run: KubeRun, runIsAlive: RunIsAlive, nodes: NodesCapability | undefined, driver: ClusterDriver | undefined): Promise<string[]> {
  const done: string[] = [];
  const where = await run.where();
  if (nodes && driver) {
    const down = await driver.machinesDown().catch(() => []);
    const live = down.length === 0 ? [] : (await runNamespaces(run, runIsAlive)).filter((n) => n.alive).map((n) => n.runId);
    for (const n of down) {
      if (live.length > 0) {
        done.push(`${where}: node ${n} is down but run ${live.join(', ')} is alive: left for that run to restore`);
        continue;
      }
      await nodes.restore(n);
      done.push(`${where}: node ${n} restored`);
    }
  }
  const c = await run.api();
  for (const n of await leftoverNamespaces(run, runIsAlive)) {
    await c.deleteNamespace(n.name);
    done.push(`${where}: namespace ${n.name} (run ${n.runId}) ${n.phase === 'Terminating' ? 'already terminating' : 'deleted'}`);
  }
  return done;
}
