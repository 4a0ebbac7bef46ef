import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Deployment } from '@kubernetes/client-node';
import { HarnessError } from '../../model/index.ts';
import type { WorkloadsCapability } from '../target.ts';
import { errText } from './kube-client.ts';
import type { KubeRun } from './kube-run.ts';
import { APP_CONTAINER, APP_NAME, type KubeObject } from './manifests.ts';
import { deploymentRolledOut } from './platform-view.ts';

/** Where a rollout to `version` stands: done, still going, or failed (progress deadline). */
export function rolloutState(d: V1Deployment, version: string): { state: 'done' | 'progressing' | 'failed'; detail: string } {
  const env = d.spec?.template?.spec?.containers?.find((c) => c.name === APP_CONTAINER)?.env?.find((e) => e.name === 'APP_VERSION')?.value;
  const s = d.status ?? {};
  const detail = `template ${env ?? '?'}, generation ${d.metadata?.generation ?? '?'} observed ${s.observedGeneration ?? '?'}, replicas ${s.replicas ?? 0} updated ${s.updatedReplicas ?? 0} available ${s.availableReplicas ?? 0} of ${d.spec?.replicas ?? 1}`;
  const progressing = s.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') return { state: 'failed', detail: `${detail}; ${progressing.message ?? 'progress deadline exceeded'}` };
  if (env === version && deploymentRolledOut(d)) return { state: 'done', detail };
  return { state: 'progressing', detail };
}

/** Rolling update of the Deployment: a patch of APP_VERSION in the pod template, followed through its status. */
export function kubeWorkloads(run: KubeRun): WorkloadsCapability {
  return {
    rollOut: async (version) => {
      const c = await run.api();
      const patch: KubeObject = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: APP_NAME, namespace: run.namespace },
        spec: { template: { spec: { containers: [{ name: APP_CONTAINER, env: [{ name: 'APP_VERSION', value: version }] }] } } },
      };
      await c.mergePatch(patch);
    },
    waitRolledOut: async (version, deadlineMs, signal) => {
      const end = Date.now() + deadlineMs;
      let last = 'no status yet';
      while (Date.now() < end && !signal.aborted) {
        try {
          const d = await run.readDeployment();
          const s = rolloutState(d, version);
          last = s.detail;
          if (s.state === 'done') return;
          if (s.state === 'failed') throw new HarnessError(`${run.name}: rollout to ${version} must progress (got ${s.detail})`, { code: 'internal' });
        } catch (e) {
          if (e instanceof HarnessError) throw e;
          last = errText(e);
        }
        await sleep(500);
      }
      throw new HarnessError(`${run.name}: rollout to ${version} must finish within ${deadlineMs / 1000} s (got ${last})`, { code: 'internal' });
    },
  };
}
