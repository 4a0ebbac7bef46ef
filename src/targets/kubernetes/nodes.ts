import type { V1Node } from '@kubernetes/client-node';
import type { NodesCapability } from '../target.ts';
import type { ClusterDriver } from './cluster-drivers.ts';
import type { KubeRun } from './kube-run.ts';
import { nodeReady } from './platform-view.ts';

function isControlPlane(n: V1Node): boolean {
  const l = n.metadata?.labels ?? {};
  return 'node-role.kubernetes.io/control-plane' in l || 'node-role.kubernetes.io/master' in l;
}

/**
 * Worker nodes of a cluster whose machines the driver knows how to crash (offered only
 * where destructive faults are allowed: see safety.ts) — never the node the HAProxy entry
 * runs on (`--k8s-entry ingress`), as Compose's balancer is never on the crashed host. Says
 * context and server before anything destructive.
 */
export function kubeNodes(run: KubeRun, driver: ClusterDriver): NodesCapability {
  return {
    workers: async () => {
      const c = await run.api();
      const nodes = (await c.core.listNode()).items.filter((n) => !isControlPlane(n) && n.metadata?.name !== run.entryNode);
      const pods = run.namespace ? await run.appPods() : [];
      return nodes.map((n) => ({
        name: n.metadata?.name ?? '?',
        ready: nodeReady(n),
        appReplicas: pods.filter((p) => p.spec?.nodeName === n.metadata?.name && !p.metadata?.deletionTimestamp).length,
      }));
    },
    crash: async (node) => {
      run.log(`${run.name}: ${await run.where()}: crashing node ${node}`);
      await driver.crash(node);
    },
    restore: async (node) => {
      run.log(`${run.name}: ${await run.where()}: restoring node ${node}`);
      await driver.restore(node);
    },
    down: async () => {
      const down = new Set(await driver.machinesDown());
      try {
        const c = await run.api();
        for (const n of (await c.core.listNode()).items) if (!nodeReady(n)) down.add(n.metadata?.name ?? '?');
      } catch {
        // API unreachable: the driver's own account is all there is
      }
      return [...down].sort();
    },
  };
}
