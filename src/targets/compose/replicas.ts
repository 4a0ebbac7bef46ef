import { OneAtATime, checkReplicaCount } from '../replica-count.ts';
import type { ReplicasCapability } from '../target.ts';
import { waitReady, type HttpGet } from './deploy.ts';
import { sleep, type ComposeProject } from './project.ts';

/** the most app replicas the compose target scales to (the lb image has 32 server slots) */
export const COMPOSE_MAX_REPLICAS = 32;

/**
 * Compose replicas: `up -d --no-deps --no-recreate --scale api=N api` (the same arguments for
 * `docker compose` and `docker-compose`; running replicas are left as they are). Compose
 * removes the highest-numbered containers on a scale-down and returns once they are stopped
 * (the app drains first, so HAProxy's /readyz check takes it out of rotation before it
 * exits). `scale(n)` resolves when exactly `n` app containers run and are healthy and,
 * through the lb, exactly they answer (x-served-by = their hostnames): HAProxy has picked
 * up new replicas from Docker's DNS and dropped removed ones. Every later `up` (restore,
 * rollout) keeps `n`.
 */
export function composeReplicas(p: ComposeProject, o: { target: string; readyTimeoutMs: number; httpGet: HttpGet }): ReplicasCapability {
  const queue = new OneAtATime();
  return {
    max: COMPOSE_MAX_REPLICAS,
    scale: async (n, signal) => {
      checkReplicaCount(o.target, n, COMPOSE_MAX_REPLICAS);
      return queue.run(async () => {
        p.desired = n;
        const up = (): Promise<unknown> => p.run(p.upArgs('--no-deps', '--no-recreate', p.service), `scale of ${p.service} to ${n}`, { signal });
        try {
          await up();
        } catch (e) {
          // Compose v2 (seen with 2.40 on Docker 20.10) lists the containers to start right
          // after removing the surplus ones and may still see one being removed: "container is
          // marked for removal and cannot be started". The scale-down itself happened; the
          // same command again finds nothing left to do.
          if (!/marked for removal/.test((e as Error).message)) throw e;
          await sleep(1000, signal);
          await up();
        }
        await waitReady(p, { replicas: n, version: null, deadlineEpochMs: Date.now() + o.readyTimeoutMs, signal, onProgress: () => undefined, httpGet: o.httpGet, exact: true });
      });
    },
  };
}
