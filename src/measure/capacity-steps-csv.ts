/**
 * Every step of capacity runs as CSV rows: one row per run × target × replica count × step,
 * with the replica count's figures repeated on each row (so one filter gives a curve). A
 * replica count without steps (scaling failed) still has one row, step empty, with its error.
 * Raw numbers; `step` is 1-based, as the report shows it (the saved index + 1; the timeline's
 * `capacity_step` is the same). The run writes it as `steps.csv`, the report as
 * `capacity-steps.csv`. Pure.
 */
import { stringify } from 'csv-stringify/sync';
import type { RunRecord } from '../model/index.ts';
import { opt, round } from './timeline-rows.ts';

export const CAPACITY_STEP_COLUMNS = [
  'run_id', 'target', 'kind', 'replicas', 'step', 'start_s', 'end_s', 'settle_s',
  'offered_rps', 'achieved_rps', 'requests', 'failures', 'error_rate', 'dropped', 'p50_ms', 'p95_ms', 'p99_ms',
  'cpu_percent_per_replica', 'meets_slo', 'bound', 'generator_bound_s', 'host_bound_s', 'knee',
  'capacity_at_slo_rps', 'capacity_is_lower_bound', 'saturation_rps', 'cpu_ms_per_request', 'stopped_by', 'slo_p95_ms', 'slo_error_rate', 'replica_error',
] as const;
export type CapacityStepRow = Record<(typeof CAPACITY_STEP_COLUMNS)[number], string | number>;

export function capacityStepRows(records: ReadonlyArray<Pick<RunRecord, 'runId' | 'targets'>>): CapacityStepRow[] {
  const rows: CapacityStepRow[] = [];
  for (const rec of records) {
    for (const t of rec.targets) {
      const c = t.capacity;
      if (c === undefined) continue;
      for (const r of c.byReplicas) {
        const perReplicas = {
          run_id: rec.runId,
          target: t.name,
          kind: t.kind,
          replicas: r.replicas,
          capacity_at_slo_rps: opt(r.capacityAtSloRps, 2),
          capacity_is_lower_bound: r.capacityAtSloRps === null ? '' : String(r.capacityIsLowerBound),
          saturation_rps: opt(r.saturationRps, 2),
          cpu_ms_per_request: opt(r.cpuMsPerRequest, 3),
          stopped_by: r.stoppedBy,
          slo_p95_ms: c.slo.p95Ms,
          slo_error_rate: c.slo.errorRate,
          replica_error: r.error ?? '',
        };
        const none = { step: '', start_s: '', end_s: '', settle_s: '', offered_rps: '', achieved_rps: '', requests: '', failures: '', error_rate: '', dropped: '', p50_ms: '', p95_ms: '', p99_ms: '', cpu_percent_per_replica: '', meets_slo: '', bound: '', generator_bound_s: '', host_bound_s: '', knee: '' };
        if (r.steps.length === 0) rows.push({ ...perReplicas, ...none });
        for (const s of r.steps) {
          rows.push({
            ...perReplicas,
            step: s.index + 1,
            start_s: s.startS,
            end_s: s.endS,
            settle_s: s.settleS,
            offered_rps: round(s.offeredRps, 2),
            achieved_rps: round(s.achievedRps, 2),
            requests: s.requests,
            failures: s.failures,
            error_rate: round(s.errorRate, 4),
            dropped: s.dropped,
            p50_ms: opt(s.p50Ms, 3),
            p95_ms: opt(s.p95Ms, 3),
            p99_ms: opt(s.p99Ms, 3),
            cpu_percent_per_replica: opt(s.cpuPercentPerReplica, 1),
            meets_slo: String(s.meetsSlo),
            bound: s.bound,
            generator_bound_s: s.generatorBoundS,
            host_bound_s: s.hostBoundS,
            knee: s.index === r.kneeStepIndex ? 'true' : '',
          });
        }
      }
    }
  }
  return rows;
}

export function capacityStepsCsv(rows: CapacityStepRow[]): string {
  return stringify(rows, { header: true, columns: [...CAPACITY_STEP_COLUMNS] });
}
