import { HarnessError } from '../../model/index.ts';
import type { ServedBy } from '../net.ts';
import { OneAtATime, checkReplicaCount } from '../replica-count.ts';
import type { ReplicasCapability } from '../target.ts';
import { errText } from './kube-client.ts';
import type { KubeRun } from './kube-run.ts';
import { APP_NAME, type KubeObject } from './manifests.ts';
import { waitServing } from './serving.ts';

/** the most replicas the Kubernetes targets pin the Deployment to */
export const KUBE_MAX_REPLICAS = 32;

/**
 * Kubernetes replicas: pins the Deployment to `n` with the HPA out of the way by setting
 * the HPA's minReplicas = maxReplicas = n (the HPA stays, so its CPU utilisation is still
 * sampled, but it can no longer move the count) and the Deployment's replicas to n.
 * Resolves when n pods serve (serving.ts): the Deployment has n ready, available pods (no
 * others left running), the Service's endpoints list exactly those pods, and fresh
 * connections through the NodePort are answered by exactly them (kube-proxy has caught up).
 * Teardown deletes the namespace, HPA and all, so nothing needs restoring after a run.
 */
export function kubeReplicas(run: KubeRun, o: { timeoutMs: number; get?: (url: string, signal: AbortSignal) => Promise<ServedBy> }): ReplicasCapability {
  const queue = new OneAtATime();
  const patch = async (obj: KubeObject, what: string): Promise<void> => {
    try {
      await (await run.api()).mergePatch(obj);
    } catch (e) {
      throw new HarnessError(`${run.name}: ${what} must succeed (got ${errText(e)})`, { code: 'internal', hint: `kubectl --context ${run.o.context} -n ${run.namespace} describe deployment ${APP_NAME}` });
    }
  };
  const meta = (): KubeObject['metadata'] => ({ name: APP_NAME, namespace: run.namespace });
  const pinDeployment = (n: number): Promise<void> => patch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(), spec: { replicas: n } }, `scaling Deployment ${APP_NAME} to ${n}`);
  return {
    max: KUBE_MAX_REPLICAS,
    scale: async (n, signal) => {
      checkReplicaCount(run.name, n, KUBE_MAX_REPLICAS);
      return queue.run(async () => {
        if (run.namespace === '') throw new HarnessError(`${run.name}: scale() must be called after deploy`, { code: 'internal' });
        await patch({ apiVersion: run.hpaApiVersion, kind: 'HorizontalPodAutoscaler', metadata: meta(), spec: { minReplicas: n, maxReplicas: n } }, `pinning HPA ${APP_NAME} to ${n}`);
        await pinDeployment(n);
        await waitServing(run, n, { timeoutMs: o.timeoutMs, signal, what: `scale to ${n}`, code: 'internal', onDrift: () => pinDeployment(n), ...(o.get ? { get: o.get } : {}) });
      });
    },
  };
}
