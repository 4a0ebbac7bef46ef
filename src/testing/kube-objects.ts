/** Kubernetes objects as the API returns them, for tests of the Kubernetes targets (only the fields they read). */
import type { V1Deployment, V1Endpoints, V1Pod } from '@kubernetes/client-node';

/** a Running pod, Ready unless `ready: false`; `terminating` sets a deletionTimestamp */
export function pod(name: string, o: { ready?: boolean; terminating?: boolean } = {}): V1Pod {
  return {
    metadata: { name, ...(o.terminating ? { deletionTimestamp: new Date() } : {}) },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  } as V1Pod;
}
/** the Deployment wanting `want`, with its status */
export function deployment(want: number, s: { ready: number; available?: number; replicas?: number; gen?: number; obs?: number }): V1Deployment {
  return {
    metadata: { generation: s.gen ?? 2 },
    spec: { replicas: want, selector: {}, template: {} },
    status: { observedGeneration: s.obs ?? 2, replicas: s.replicas ?? want, readyReplicas: s.ready, availableReplicas: s.available ?? s.ready },
  } as V1Deployment;
}
/** the Service's endpoints: ready and not-ready addresses by pod name */
export function endpoints(ready: string[], notReady: string[] = []): V1Endpoints {
  const addr = (name: string, i: number) => ({ ip: `10.0.0.${i}`, targetRef: { kind: 'Pod', name } });
  return { subsets: [{ addresses: ready.map(addr), notReadyAddresses: notReady.map(addr) }] } as V1Endpoints;
}
