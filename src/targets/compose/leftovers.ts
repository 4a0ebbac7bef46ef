import { HarnessError } from '../../model/index.ts';
import { tail } from '../command-runner.ts';
import { COMPOSE_PROJECT_LABEL, MANAGED_LABEL, RUN_ID_LABEL, runIdFilter } from './labels.ts';
import { lines, type ComposeProject } from './project.ts';
import type { RunIsAlive } from '../run-liveness.ts';

/** Removes containers, networks and volumes labelled with `runId`; returns what is still there. */
export async function removeRun(p: ComposeProject, runId: string): Promise<string[]> {
  const filter = runIdFilter(runId);
  const kinds: Array<{ list: string[]; rm: string[] }> = [
    { list: ['ps', '-a', '-q', '--filter', filter], rm: ['rm', '-f', '-v'] },
    { list: ['network', 'ls', '-q', '--filter', filter], rm: ['network', 'rm'] },
    { list: ['volume', 'ls', '-q', '--filter', filter], rm: ['volume', 'rm', '-f'] },
  ];
  const left: string[] = [];
  for (const k of kinds) {
    const kind = k.list[0] === 'ps' ? 'container' : k.list[0];
    const found = await p.docker(k.list);
    if (found.code !== 0) {
      left.push(`${kind}s unknown (docker ${k.list.slice(0, 2).join(' ')}: exit ${found.code}: ${tail(found.stderr, 1)})`);
      continue;
    }
    if (lines(found.stdout).length === 0) continue;
    await p.docker([...k.rm, ...lines(found.stdout)]);
    const still = lines((await p.docker(k.list)).stdout);
    left.push(...still.map((id) => `${kind} ${id.slice(0, 12)}`));
  }
  return left;
}

/** `down -v --remove-orphans`, then removes anything still labelled with the run id. Idempotent. */
export async function teardownRun(p: ComposeProject, fast: boolean): Promise<void> {
  if (p.runId === null) return;
  const problems: string[] = [];
  try {
    await p.run(['down', '-v', '--remove-orphans', '--timeout', fast ? '0' : '10'], 'down');
  } catch (err) {
    problems.push((err as Error).message);
  }
  const left = await removeRun(p, p.runId);
  if (left.length > 0) {
    throw new HarnessError(`compose: teardown must leave nothing labelled ${RUN_ID_LABEL}=${p.runId} (got ${left.join(', ')}; ${problems.join('; ')})`, {
      code: 'internal',
      hint: `docker ps -a --filter ${runIdFilter(p.runId)}; docker network ls --filter ${runIdFilter(p.runId)}`,
    });
  }
}

/**
 * Run ids (other than this run's) that own Compose-made, capbench-managed objects, with what
 * they own. A run whose harness is alive (`runIsAlive`, the store's run lease, injected) is
 * not a leftover.
 */
async function staleRuns(p: ComposeProject, runIsAlive: RunIsAlive): Promise<Map<string, string[]>> {
  const managed = `label=${MANAGED_LABEL}=true`;
  const composeMade = `label=${COMPOSE_PROJECT_LABEL}`;
  const runLabel = `{{.Label "${RUN_ID_LABEL}"}}`;
  const listings: Array<[string, string[]]> = [
    ['container', ['ps', '-a', '--filter', managed, '--filter', composeMade, '--format', `{{.Names}}\t${runLabel}`]],
    ['network', ['network', 'ls', '--filter', managed, '--filter', composeMade, '--format', `{{.Name}}\t${runLabel}`]],
    ['volume', ['volume', 'ls', '--filter', managed, '--filter', composeMade, '--format', `{{.Name}}\t${runLabel}`]],
  ];
  const runs = new Map<string, string[]>();
  for (const [kind, args] of listings) {
    const r = await p.docker(args);
    if (r.code !== 0) throw new HarnessError(`compose: docker ${args.slice(0, 2).join(' ')} must succeed (got exit ${r.code}: ${tail(r.stderr, 3)})`, { code: 'missingEnvironment' });
    for (const line of lines(r.stdout)) {
      const [name = '', runId = ''] = line.split('\t');
      if (runId === '' || runId === p.runId || runIsAlive(runId)) continue;
      const list = runs.get(runId) ?? [];
      list.push(`${kind} ${name} (run ${runId})`);
      runs.set(runId, list);
    }
  }
  return runs;
}

/** Compose objects labelled capbench.managed=true that belong to another run that is not alive. */
export async function composeLeftovers(p: ComposeProject, runIsAlive: RunIsAlive): Promise<string[]> {
  return [...(await staleRuns(p, runIsAlive)).values()].flat();
}

/** Removes the leftovers of other runs, by their run-id label; returns what was removed. */
export async function cleanupCompose(p: ComposeProject, runIsAlive: RunIsAlive): Promise<string[]> {
  const removed: string[] = [];
  const left: string[] = [];
  for (const [runId, objects] of await staleRuns(p, runIsAlive)) {
    const still = await removeRun(p, runId);
    (still.length === 0 ? removed : left).push(...(still.length === 0 ? objects : still));
  }
  if (left.length > 0) {
    throw new HarnessError(`compose: cleanup must remove every leftover (got still there: ${left.join(', ')})`, { code: 'internal' });
  }
  return removed;
}
