import { createHash } from 'node:crypto';

import { RUN_ID_LABEL } from '../labels.ts';

export { MANAGED_LABEL, RUN_ID_LABEL } from '../labels.ts';
/** Compose sets this on what it creates; leftovers() only looks at Compose-made objects. */
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';

/** `label=capbench.run-id=<id>` for `docker … --filter`. */
export function runIdFilter(runId: string): string {
  return `label=${RUN_ID_LABEL}=${runId}`;
}

/**
 * Compose project name for a run: `capbench-<short run id>`. Lower-case, [a-z0-9_-]
 * (what both Compose versions accept); long ids keep their tail plus a hash so two runs
 * never share a project.
 */
export function projectName(runId: string): string {
  const clean = runId.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
  if (clean.length > 0 && clean.length <= 24) return `capbench-${clean}`;
  const hash = createHash('sha256').update(runId).digest('hex').slice(0, 8);
  return `capbench-${clean.slice(-15).replace(/^[-_]+/, '')}${clean === '' ? '' : '-'}${hash}`;
}
