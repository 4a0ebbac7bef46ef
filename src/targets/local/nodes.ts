import type { NodesCapability } from '../target.ts';
import { running, type LocalDeployment } from './deploy.ts';

/**
 * The one "host" of the local target: a crash SIGKILLs every replica (the proxy stays, as
 * a load balancer on another machine would); restore starts them again. The fault waits
 * `rebootDelayS` between the two.
 */
export function localNodes(dep: () => LocalDeployment | null, rebootDelayS: number): NodesCapability {
  return {
    rebootDelayS,
    workers: async () => [{ name: 'host', appReplicas: dep()?.replicas.length ?? 0, ready: !(dep()?.crashed ?? false) }],
    crash: async () => {
      const d = dep();
      if (d === null) return;
      d.crashed = true;
      const dying = d.replicas.map((r) => r.proc).filter(running);
      const gone = dying.map((p) => new Promise((res) => p.once('exit', res)));
      for (const p of dying) p.kill('SIGKILL');
      // resolve once they are dead, so a restore right after restarts every one of them
      await Promise.all(gone);
    },
    restore: async () => {
      const d = dep();
      if (d === null || !d.crashed) return;
      d.crashed = false;
      for (const r of d.replicas) if (!running(r.proc)) d.startReplica(r);
    },
    down: async () => (dep()?.crashed ? ['host'] : []),
  };
}
