import { randomBytes } from 'node:crypto';
import type { LoadPlan } from '../scenario/load-profile.ts';
import type { LoadDriver } from '../load/driver.ts';
import { INTERVAL_METHOD, summariseFigures } from '../measure/repeated-figures.ts';
import { RUN_SCHEMA_VERSION, type RunRecord, type TargetAggregate, type TargetFigures, type TargetRun } from '../model/index.ts';
import { harnessVersions, machineInfo } from './machine.ts';

/** `20260101-120000-spike-1a2b`: sortable by start, unique enough for one machine. */
export function newRunId(scenario: string, now = new Date()): string {
  const ts = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${ts}-${scenario}-${randomBytes(2).toString('hex')}`;
}

/** run.json as it is written before the first leg: status `running`, skipped targets listed. */
export async function newRunRecord(o: { runId: string; plan: LoadPlan; driver: LoadDriver; skipped: TargetRun[]; command: string[]; startedAt: Date }): Promise<RunRecord> {
  const { plan } = o;
  return {
    schema: RUN_SCHEMA_VERSION,
    runId: o.runId,
    scenario: plan.scenario,
    variant: plan.variant,
    model: plan.model,
    connections: plan.connections,
    driver: o.driver.name,
    timeScale: plan.timeScale,
    profile: plan.profile,
    status: 'running',
    startedAt: o.startedAt.toISOString(),
    machine: machineInfo(),
    versions: { ...(await harnessVersions()), driver: await o.driver.version() },
    targets: [...o.skipped],
    command: o.command,
  };
}

/** The run's final status and reason once its legs are over. */
export function finishRunRecord(record: RunRecord, o: { interruptedBy: string | null; firstError: Error | null; endedAt: Date }): void {
  record.status = o.interruptedBy !== null ? 'interrupted' : record.targets.some((t) => t.status === 'failed') ? 'failed' : 'completed';
  if (o.interruptedBy !== null) record.reason = o.interruptedBy;
  else if (o.firstError) record.reason = o.firstError.message;
  record.endedAt = o.endedAt.toISOString();
}

/**
 * Per target, every figure as median [interval] (n) over the repetitions that produced
 * figures (`--repeat`); targets in the order they first ran. run.json keeps each repetition's
 * own figures beside this.
 */
export function aggregateTargets(targets: readonly TargetRun[]): TargetAggregate[] {
  const byName = new Map<string, { kind: TargetRun['kind']; figures: TargetFigures[] }>();
  for (const t of targets) {
    if (t.status === 'skipped') continue;
    const g = byName.get(t.name) ?? { kind: t.kind, figures: [] };
    byName.set(t.name, g);
    if (t.figures) g.figures.push(t.figures);
  }
  return [...byName].filter(([, g]) => g.figures.length > 0).map(([target, g]) => ({
    target,
    kind: g.kind,
    repetitions: g.figures.length,
    interval: g.figures.length === 1 ? 'single run, no interval' : INTERVAL_METHOD,
    figures: summariseFigures(g.figures),
  }));
}
