import { HarnessError, unknownName } from '../../model/index.ts';
import { tail } from '../command-runner.ts';
import type { NodesCapability } from '../target.ts';
import { runIdFilter } from './labels.ts';
import type { ComposeProject } from './project.ts';

/** The one node of a Compose target: the Docker host. */
export const HOST_NODE = 'host';

/**
 * The Docker host as the one node: a crash SIGKILLs every container of the run (a dying
 * machine); restore is `up -d` (after a reboot the daemon starts them again), at the
 * replica count and version the run has now.
 */
export function composeNodes(p: ComposeProject, target: string, rebootDelayS: number): NodesCapability {
  const checkNode = (name: string): void => {
    if (name !== HOST_NODE) throw unknownName(`${target}: nodes`, 'node', name, [HOST_NODE]);
  };
  return {
    rebootDelayS,
    workers: async () => {
      const running = (await p.appContainers()).filter((c) => c.State.Running).length;
      const down = await p.hostDown();
      return [{ name: HOST_NODE, appReplicas: running, ready: !down }];
    },
    crash: async (name) => {
      checkNode(name);
      if (p.runId === null) return;
      const ids = await p.ids(['ps', '-q', '--filter', runIdFilter(p.runId)], 'listing running containers');
      if (ids.length === 0) return;
      // a dying machine: every process gets SIGKILL at once. Docker treats `kill` as a
      // manual stop, so restart policies do not bring them back until restore().
      const r = await p.docker(['kill', '--signal', 'KILL', ...ids]);
      if (r.code !== 0 && !/is not running/.test(r.stderr)) {
        throw new HarnessError(`compose: docker kill must succeed (got exit ${r.code}: ${tail(r.stderr, 3)})`, { code: 'internal' });
      }
    },
    restore: async (name) => {
      checkNode(name);
      if (p.runId === null) return;
      await p.run(p.upArgs(), 'up -d (restore)');
    },
    down: async () => ((await p.hostDown()) ? [HOST_NODE] : []),
  };
}
