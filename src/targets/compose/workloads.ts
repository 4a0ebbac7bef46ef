import type { WorkloadsCapability } from '../target.ts';
import { waitReady, type HttpGet } from './deploy.ts';
import type { ComposeProject } from './project.ts';

/**
 * What Compose users do for a new version: recreate the app service with it
 * (`up -d --no-deps --force-recreate api`) — no surge, no readiness gate.
 */
export function composeWorkloads(p: ComposeProject, httpGet: HttpGet): WorkloadsCapability {
  return {
    rollOut: async (version) => {
      p.appVersion = version;
      await p.run(p.upArgs('--no-deps', '--force-recreate', p.service), `rollout of ${version}`);
    },
    waitRolledOut: async (version, deadlineMs, signal) => {
      // deadlineMs: an epoch-ms deadline, or (values below 1e12) a duration from now
      const deadline = deadlineMs > 1e12 ? deadlineMs : Date.now() + deadlineMs;
      await waitReady(p, { replicas: p.desired, version, deadlineEpochMs: deadline, signal, onProgress: () => undefined, httpGet });
    },
  };
}
