/**
 * The CSV tables: the per-second timeline of a run (rows from src/measure, also written by
 * the run as `<run>/timeline.csv`) and the summary of figures per scenario × target.
 */
import { stringify } from 'csv-stringify/sync';
import { TIMELINE_COLUMNS, opt, round, timelineCsv, timelineRows, type TimelineRow } from '../../measure/timeline-rows.ts';
import { summariseFigures } from '../../measure/repeated-figures.ts';
import { repetitionFigures, type ReportRun } from '../runs.ts';
import type { Verdict } from '../verdict/verdict.ts';

export { TIMELINE_COLUMNS, timelineCsv, timelineRows, type TimelineRow };

export const SUMMARY_COLUMNS = [
  'run_id', 'scenario', 'target', 'kind', 'run_status', 'target_status', 'model', 'driver', 'figures_source', 'repetitions',
  'gates', 'gates_failed', 'requests', 'failures', 'error_rate', 'throughput_rps', 'avg_ms', 'p50_ms', 'p95_ms', 'p99_ms', 'max_ms',
  'worst_window_p95_ms', 'worst_window_p95', 'worst_window_error_rate', 'worst_window_error',
  'downtime_s', 'longest_outage_s', 'time_to_recover_s', 'capacity_back_s', 'scale_up_reaction_s', 'time_to_peak_ready_s',
  'peak_ready_replicas', 'min_ready_replicas', 'peak_desired_replicas', 'failed_requests_during_rollout', 'rollout_duration_s',
  'degraded_s', 'longest_degraded_s', 'fault_error_rate', 'connections',
] as const;
export type SummaryRow = Record<(typeof SUMMARY_COLUMNS)[number], string | number>;

/**
 * One row per scenario × target (per run) with the key figures and the gate result. With
 * repetitions every figure is the median over them (figures.csv has the intervals).
 */
export function summaryRows(runs: readonly ReportRun[], verdict: Verdict): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const run of runs) {
    const rec = run.saved.record;
    for (const t of run.targets) {
      const f = t.figures;
      const tv = verdict.targets.find((x) => x.runId === rec.runId && x.target === t.run.name);
      const ws = f?.windows ?? [];
      const worstP95 = ws.reduce<(typeof ws)[number] | undefined>((a, w) => (w.p95Ms !== null && (a === undefined || (a.p95Ms ?? -1) < w.p95Ms) ? w : a), undefined);
      const worstErr = ws.reduce<(typeof ws)[number] | undefined>((a, w) => (a === undefined || a.errorRate < w.errorRate ? w : a), undefined);
      const faults = f?.faults ?? [];
      const ttr = faults.map((x) => x.timeToRecoverS);
      const rollouts = faults.filter((x) => x.window.kind === 'rolling-update');
      rows.push({
        run_id: rec.runId,
        scenario: rec.scenario,
        target: t.run.name,
        kind: t.run.kind,
        run_status: rec.status,
        target_status: t.run.status,
        model: rec.model,
        driver: rec.driver,
        figures_source: t.figuresSource,
        repetitions: repetitionFigures(t).length,
        gates: tv ? tv.result : '',
        gates_failed: tv ? tv.failed.length : '',
        requests: f ? f.overall.requests : '',
        failures: f ? f.overall.failures : '',
        error_rate: f ? round(f.overall.errorRate, 4) : '',
        throughput_rps: f ? round(f.overall.throughputRps, 2) : '',
        avg_ms: opt(f?.overall.avgMs, 3),
        p50_ms: opt(f?.overall.p50Ms, 3),
        p95_ms: opt(f?.overall.p95Ms, 3),
        p99_ms: opt(f?.overall.p99Ms, 3),
        max_ms: opt(f?.overall.maxMs, 3),
        worst_window_p95_ms: opt(worstP95?.p95Ms, 3),
        worst_window_p95: worstP95?.name ?? '',
        worst_window_error_rate: worstErr ? round(worstErr.errorRate, 4) : '',
        worst_window_error: worstErr?.name ?? '',
        downtime_s: f ? f.downtimeS : '',
        longest_outage_s: f ? f.longestOutageS : '',
        time_to_recover_s: ttr.length === 0 ? '' : ttr.some((x) => x === null) ? 'never' : Math.max(...(ttr as number[])),
        capacity_back_s: faults.length === 0 ? '' : faults.map((x) => (x.capacityBackS === null ? 'never' : x.capacityBackS)).join(' '),
        scale_up_reaction_s: opt(f?.scaleUpReactionS, 1),
        time_to_peak_ready_s: opt(f?.timeToPeakReadyS, 1),
        peak_ready_replicas: opt(f?.peakReadyReplicas),
        min_ready_replicas: opt(f?.minReadyReplicas),
        peak_desired_replicas: opt(f?.peakDesiredReplicas),
        failed_requests_during_rollout: rollouts.length === 0 ? '' : rollouts.reduce((a, x) => a + x.failedRequests, 0),
        rollout_duration_s: rollouts.length === 0 ? '' : rollouts.map((x) => (x.rolloutDurationS === null ? 'unfinished' : round(x.rolloutDurationS, 1))).join(' '),
        degraded_s: opt(f?.degradedS),
        longest_degraded_s: opt(f?.longestDegradedS),
        fault_error_rate: faults.map((x) => (x.errorRate === null || x.errorRate === undefined ? '' : round(x.errorRate, 4))).join(' '),
        connections: rec.connections ?? '',
      });
    }
  }
  return rows;
}

export const FIGURES_COLUMNS = ['run_id', 'scenario', 'target', 'kind', 'figure', 'n', 'missing', 'median', 'lower', 'upper', 'coverage', 'interval', 'values'] as const;
export type FiguresRow = Record<(typeof FIGURES_COLUMNS)[number], string | number>;

/**
 * figures.csv: every figure of every target as median [lower, upper] (n) over its repetitions —
 * the order-statistic interval of the median with its achieved coverage; `interval` is
 * `single-run` (no interval) for one run. `values` lists each repetition's value (space-separated, empty = none).
 */
export function figuresRows(runs: readonly ReportRun[]): FiguresRow[] {
  const rows: FiguresRow[] = [];
  for (const run of runs) {
    const rec = run.saved.record;
    for (const t of run.targets) {
      const reps = repetitionFigures(t);
      if (reps.length === 0) continue;
      for (const [figure, s] of Object.entries(summariseFigures(reps))) {
        rows.push({
          run_id: rec.runId,
          scenario: rec.scenario,
          target: t.run.name,
          kind: t.run.kind,
          figure,
          n: s.n,
          missing: s.missing,
          median: opt(s.median, 4),
          lower: opt(s.lower, 4),
          upper: opt(s.upper, 4),
          coverage: opt(s.coverage, 4),
          interval: s.method,
          values: s.values.map((v) => (v === null ? '' : round(v, 4))).join(' '),
        });
      }
    }
  }
  return rows;
}

export function figuresCsv(rows: FiguresRow[]): string {
  return stringify(rows, { header: true, columns: [...FIGURES_COLUMNS] });
}

export function summaryCsv(rows: SummaryRow[]): string {
  return stringify(rows, { header: true, columns: [...SUMMARY_COLUMNS] });
}
