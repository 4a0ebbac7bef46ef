import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Deployment, V1Endpoints, V1Pod } from '@kubernetes/client-node';
import { HarnessError, type ExitCodeName } from '../../model/index.ts';
import { getServedBy, servedByExactly, type ServedBy } from '../net.ts';
import { errText } from './kube-client.ts';
import { podLine, type KubeRun } from './kube-run.ts';
import { APP_NAME } from './manifests.ts';
import { podReady } from './platform-view.ts';

/** Whether `n` pods serve the app: Deployment, pods and the Service's endpoints agree on exactly `n` ready ones. */
export function servingState(n: number, d: V1Deployment, pods: V1Pod[], ep: V1Endpoints | null): { done: boolean; detail: string; podNames: string[] } {
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

export interface ServingWait {
  timeoutMs: number;
  signal: AbortSignal;
  /** what is waited for, in messages (`deploy`, `scale to 3`) */
  what: string;
  /** exit code of the error at the deadline */
  code: ExitCodeName;
  /** called when the Deployment no longer asks for `n` (the HPA wrote its own count) */
  onDrift?: (d: V1Deployment) => Promise<void>;
  /** GET through the NodePort; tests inject it */
  get?: (url: string, signal: AbortSignal) => Promise<ServedBy>;
}

/**
 * Resolves when exactly `n` pods serve: the Deployment has n ready, available pods and no
 * others left running, the Service's endpoints list exactly those pods, and fresh
 * connections through the NodePort are answered by exactly them — kube-proxy has caught up,
 * which on a busy host can take seconds after the endpoints changed. With `--base-url` the
 * last check is one 200 from /readyz there (that path may pin one pod). Throws HarnessError at
 * the deadline (with the pods' state) or on abort.
 */
export async function waitServing(run: KubeRun, n: number, w: ServingWait): Promise<void> {
  const end = Date.now() + w.timeoutMs;
  const c = await run.api();
  let last = 'no status yet';
  let pods: V1Pod[] = [];
  while (Date.now() < end) {
    if (w.signal.aborted) throw new HarnessError(`${run.name}: ${w.what} was interrupted`, { code: 'interrupted' });
    try {
      const d = await run.readDeployment();
      if (d.spec?.replicas !== n) await w.onDrift?.(d);
      pods = await run.appPods();
      const ep = await c.core.readNamespacedEndpoints({ name: APP_NAME, namespace: run.namespace }).catch(() => null);
      const s = servingState(n, d, pods, ep);
      last = s.detail;
      if (s.done && run.o.baseUrl !== undefined) {
        // a --base-url path may pin one pod (a port-forward, sticky sessions): it must answer, not balance
        const a = await (w.get ?? getServedBy)(`${run.url}/readyz`, w.signal);
        if (a.status === 200) return;
        last = `${s.detail}; ${run.url}/readyz answered ${a.status === 0 ? 'nothing' : `HTTP ${a.status}`}`;
      } else if (s.done) {
        const seen: string[] = [];
        const deadlineMs = Math.min(end, Date.now() + 5000);
        if (await servedByExactly(`${run.url}/readyz`, new Set(s.podNames), { deadlineMs, signal: w.signal, ...(w.get ? { get: w.get } : {}) }, seen)) return;
        last = `${s.detail}; through the NodePort not yet exactly them (saw ${seen.join(', ') || 'none'})`;
      }
    } catch (e) {
      if (e instanceof HarnessError) throw e;
      last = errText(e);
    }
    await sleep(500);
  }
  throw new HarnessError(`${run.name}: ${w.what}: ${n} ready replicas in the Service's endpoints, answering through ${run.path}, must be reached within ${w.timeoutMs / 1000} s (got ${last}; pods: ${pods.map(podLine).join('; ') || 'none'})`, {
    code: w.code,
    hint: `kubectl --context ${run.o.context} -n ${run.namespace} describe pods`,
  });
}
