import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Deployment, V1Endpoints, V1Pod } from '@kubernetes/client-node';
import { HarnessError } from '../../model/index.ts';
import { servedByExactly, type ServedBy } from '../net.ts';
import { OneAtATime, checkReplicaCount } from '../replica-count.ts';
import type { ReplicasCapability } from '../target.ts';
import { errText } from './kube-client.ts';
import { podLine, type KubeRun } from './kube-run.ts';
import { APP_NAME, type KubeObject } from './manifests.ts';
import { podReady } from './platform-view.ts';

/** the most replicas the Kubernetes targets pin the Deployment to */
export const KUBE_MAX_REPLICAS = 32;

/** Where a pinned scale to `n` stands; `done` only when every condition holds. */
export function scaleState(n: number, d: V1Deployment, pods: V1Pod[], ep: V1Endpoints | null): { done: boolean; detail: string; podNames: string[] } {
  const s = d.status ?? {};
  const live = pods.filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const ready = live.filter(podReady);
  const addresses = (ep?.subsets ?? []).flatMap((x) => x.addresses ?? []);
  const notReady = (ep?.subsets ?? []).flatMap((x) => x.notReadyAddresses ?? []).length;
  const inService = new Set(addresses.map((a) => a.targetRef?.name ?? a.ip));
  const readyNames = ready.map((p) => p.metadata?.name ?? '?');
  const deploymentDone =
    d.spec?.replicas === n &&
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
    (s.replicas ?? 0) === n &&
    (s.readyReplicas ?? 0) === n &&
    (s.availableReplicas ?? 0) === n;
  const endpointsDone = inService.size === n && notReady === 0 && readyNames.every((name) => inService.has(name));
  const done = deploymentDone && live.length === n && ready.length === n && endpointsDone;
  const detail = `Deployment ${d.spec?.replicas ?? '?'} wanted, ${s.readyReplicas ?? 0} ready, ${s.availableReplicas ?? 0} available; ${live.length} pods (${ready.length} ready); Service endpoints ${inService.size} ready, ${notReady} not ready`;
  return { done, detail, podNames: readyNames };
}

/**
 * Kubernetes replicas: pins the Deployment to `n` with the HPA out of the way by setting
 * the HPA's minReplicas = maxReplicas = n (the HPA stays, so its CPU utilisation is still
 * sampled, but it can no longer move the count) and the Deployment's replicas to n.
 * Resolves when the Deployment has n ready, available pods (no others left running), the
 * Service's endpoints list exactly those pods, and fresh connections through the NodePort
 * are answered by exactly them (kube-proxy has caught up). Teardown deletes the namespace,
 * HPA and all, so nothing needs restoring after a run.
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
        const end = Date.now() + o.timeoutMs;
        const c = await run.api();
        let last = 'no status yet';
        let pods: V1Pod[] = [];
        while (Date.now() < end) {
          if (signal.aborted) throw new HarnessError(`${run.name}: scale to ${n} was interrupted`, { code: 'interrupted' });
          try {
            const d = await run.readDeployment();
            // the HPA may have written its older count just after our patch: pin again
            if (d.spec?.replicas !== n) await pinDeployment(n);
            pods = await run.appPods();
            const ep = await c.core.readNamespacedEndpoints({ name: APP_NAME, namespace: run.namespace }).catch(() => null);
            const s = scaleState(n, d, pods, ep);
            last = s.detail;
            if (s.done) {
              const seen: string[] = [];
              const deadlineMs = Math.min(end, Date.now() + 5000);
              if (await servedByExactly(`http://127.0.0.1:${run.port}/readyz`, new Set(s.podNames), { deadlineMs, signal, ...(o.get ? { get: o.get } : {}) }, seen)) return;
              last = `${s.detail}; through the NodePort not yet exactly them (saw ${seen.join(', ') || 'none'})`;
            }
          } catch (e) {
            if (e instanceof HarnessError) throw e;
            last = errText(e);
          }
          await sleep(500);
        }
        throw new HarnessError(`${run.name}: ${n} ready replicas in the Service's endpoints must be reached within ${o.timeoutMs / 1000} s (got ${last}; pods: ${pods.map(podLine).join('; ') || 'none'})`, {
          code: 'internal',
          hint: `kubectl --context ${run.o.context} -n ${run.namespace} describe pods`,
        });
      });
    },
  };
}
