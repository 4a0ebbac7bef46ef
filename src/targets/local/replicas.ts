import { setTimeout as sleep } from 'node:timers/promises';
import { HarnessError } from '../../model/index.ts';
import { OneAtATime, checkReplicaCount } from '../replica-count.ts';
import type { ReplicasCapability } from '../target.ts';
import { running, type LocalDeployment } from './deploy.ts';

/** the most replica processes the local target runs (each is a Node process on this host) */
export const LOCAL_MAX_REPLICAS = 16;
/** how long new replicas may take to answer /readyz */
const START_TIMEOUT_MS = 30_000;

/**
 * Local replicas: scaling up starts new app processes, waits until each answers /readyz,
 * then hands the proxy the new upstream list and resolves once its own check finds every
 * one of them ready. Scaling down first takes the removed replicas out of the proxy's list
 * (no request reaches them from then on), then stops them gracefully. Either way, when
 * `scale(n)` resolves the proxy routes to exactly the `n` ready replicas. The highest-numbered
 * replicas go first on a scale-down; names are never reused.
 */
export function localReplicas(dep: () => LocalDeployment | null): ReplicasCapability {
  const queue = new OneAtATime();
  return {
    max: LOCAL_MAX_REPLICAS,
    scale: async (n, signal) => {
      checkReplicaCount('local', n, LOCAL_MAX_REPLICAS);
      return queue.run(async () => {
        const d = dep();
        if (d === null) throw new HarnessError('local: scale() must be called after deploy', { code: 'internal' });
        if (d.crashed) throw new HarnessError(`local: scale to ${n} must wait until the crashed host is back (got host down)`, { code: 'internal' });
        if (signal.aborted) throw new HarnessError(`local: scale to ${n} was interrupted`, { code: 'interrupted' });
        d.desired = n;
        const deadline = Date.now() + START_TIMEOUT_MS;
        const keep = d.replicas.slice(0, n);
        for (let i = d.replicas.length; i < n; i++) {
          const r = await d.newReplica();
          d.replicas.push(r);
          d.startReplica(r);
          keep.push(r);
        }
        await Promise.all(keep.filter((r) => running(r.proc)).map((r) => d.waitReplicaReady(r, deadline, signal)));
        let ready = await d.setUpstreams(keep);
        while (ready.length < n && Date.now() < deadline && !signal.aborted) {
          await sleep(200);
          ready = await d.setUpstreams(keep);
        }
        // out of the proxy's list first, so no request reaches a replica while it drains
        await Promise.all(d.replicas.slice(n).map((r) => d.stopReplica(r)));
        d.replicas = keep;
        d.saveState();
        if (ready.length < n) {
          throw new HarnessError(`local: the proxy must route to ${n} ready replicas (got ${ready.length}: ${ready.join(', ') || 'none'})`, { code: 'internal', hint: `see the app log ${d.logFile}` });
        }
      });
    },
  };
}
