/**
 * `steps.csv` of a capacity run: one row per target × replica count × step, every figure of
 * the step as run.json holds it (what a spreadsheet or `capbench plan` reads). Pure.
 */
import { stringify } from 'csv-stringify/sync';
import type { RunRecord } from '../model/index.ts';
import { opt, round } from './timeline-rows.ts';

export const STEP_COLUMNS = [
  'run_id', 'target', 'replicas', 'step', 'start_s', 'end_s', 'settle_s', 'offered_rps', 'achieved_rps',
  'requests', 'failures', 'error_rate', 'dropped', 'p50_ms', 'p95_ms', 'p99_ms', 'cpu_percent_per_replica',
  'meets_slo', 'bound', 'generator_bound_s', 'host_bound_s', 'knee',
] as const;
export type StepColumn = (typeof STEP_COLUMNS)[number];
export type StepRow = Record<StepColumn, string | number>;

/** Every step of every target's capacity, in run order; empty for a run without capacity. */
export function capacityStepRows(record: Pick<RunRecord, 'runId' | 'targets'>): StepRow[] {
  return record.targets.flatMap((t) => (t.capacity?.byReplicas ?? []).flatMap((r) => r.steps.map((s) => ({
    run_id: record.runId,
    target: t.name,
    replicas: r.replicas,
    step: s.index,
    start_s: s.startS,
    end_s: s.endS,
    settle_s: s.settleS,
    offered_rps: s.offeredRps,
    achieved_rps: round(s.achievedRps, 3),
    requests: s.requests,
    failures: s.failures,
    error_rate: round(s.errorRate, 4),
    dropped: s.dropped,
    p50_ms: opt(s.p50Ms, 3),
    p95_ms: opt(s.p95Ms, 3),
    p99_ms: opt(s.p99Ms, 3),
    cpu_percent_per_replica: opt(s.cpuPercentPerReplica, 1),
    meets_slo: s.meetsSlo ? 1 : 0,
    bound: s.bound,
    generator_bound_s: s.generatorBoundS,
    host_bound_s: s.hostBoundS,
    knee: r.kneeStepIndex === s.index ? 1 : 0,
  }))));
}

export function capacityStepsCsv(rows: StepRow[]): string {
  return stringify(rows, { header: true, columns: [...STEP_COLUMNS] });
}
