import { setTimeout as sleep } from 'node:timers/promises';
import { HarnessError } from '../../model/index.ts';
import { httpStatus } from '../net.ts';
import type { WorkloadsCapability } from '../target.ts';
import type { LocalDeployment } from './deploy.ts';

/**
 * Rolling update of the local replicas, one at a time: stop gracefully (the app drains),
 * start the new version on the same port, wait until it is ready, next. `rollOut` returns
 * once the rollout has begun; `waitRolledOut` follows it through each replica's /readyz.
 */
export function localWorkloads(dep: () => LocalDeployment | null): WorkloadsCapability {
  return {
    rollOut: async (version) => {
      const d = dep();
      if (d === null) throw new HarnessError('local: rollOut() must be called after deploy', { code: 'internal' });
      d.version = version;
      void (async () => {
        for (const r of [...d.replicas]) {
          if (d.stopped) return; // torn down mid-rollout: start nothing more
          r.version = version;
          await d.stopReplica(r);
          d.startReplica(r);
          const end = Date.now() + 30_000;
          while (Date.now() < end && !d.stopped && (await httpStatus(`http://127.0.0.1:${r.port}/readyz`, { timeoutMs: 1000 })) !== 200) await sleep(200);
        }
      })();
    },
    waitRolledOut: async (version, deadlineMs, signal) => {
      const end = Date.now() + deadlineMs;
      while (Date.now() < end && !signal.aborted) {
        const ok = await Promise.all(
          (dep()?.replicas ?? []).map(async (r) => {
            try {
              const res = await fetch(`http://127.0.0.1:${r.port}/readyz`, { signal: AbortSignal.timeout(1000) });
              await res.arrayBuffer();
              return res.status === 200 && res.headers.get('x-app-version') === version;
            } catch {
              return false;
            }
          }),
        );
        if (ok.every(Boolean)) return;
        await sleep(250);
      }
      throw new HarnessError(`local: rollout to ${version} must finish within ${deadlineMs / 1000} s (got unfinished)`, { code: 'internal' });
    },
  };
}
