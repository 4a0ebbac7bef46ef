/**
 * The per-second timeline of a run: one row per second per target (what `<run>/timeline.csv`
 * holds, and what the report's CSV, charts and second inspector read). Pure: from saved series.
 */
import { stringify } from 'csv-stringify/sync';
import { legKeyOf, type LoadSecond, type PlatformSecond, type RunRecord } from '../model/index.ts';
import { stepAt } from './capacity.ts';
import { decodeHistogram, percentileMs } from './histogram.ts';

/** What the timeline needs of a saved run: the record and each target's series. */
export interface TimelineSource {
  record: Pick<RunRecord, 'runId' | 'scenario' | 'targets'>;
  series: Record<string, { load: readonly LoadSecond[]; platform: readonly PlatformSecond[] } | undefined>;
}

export const TIMELINE_COLUMNS = [
  'run_id', 'scenario', 'target', 't_s', 'vus', 'requests', 'failures', 'error_rate', 'rps',
  'p50_ms', 'p95_ms', 'p99_ms', 'ready_replicas', 'desired_replicas', 'hpa_desired', 'running_replicas',
  'cpu_cores', 'nodes_ready', 'gap',
] as const;
export type TimelineColumn = (typeof TIMELINE_COLUMNS)[number];
/**
 * Only in a capacity run's timeline: the replica count and the step (1-based per replica
 * count, as the report and capacity-steps.csv number them) each second belongs to; empty
 * between steps (scaling, settling, draining).
 */
export const CAPACITY_TIMELINE_COLUMNS = ['capacity_replicas', 'capacity_step'] as const;
export type CapacityTimelineColumn = (typeof CAPACITY_TIMELINE_COLUMNS)[number];
/** One second of one target. Empty string = not known in that second. */
export type TimelineRow = Record<TimelineColumn, string | number> & Partial<Record<CapacityTimelineColumn, string | number>>;

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A CSV cell: the number rounded, or empty when unknown. */
export const opt = (v: number | undefined | null, digits = 0): string | number => (v === undefined || v === null ? '' : round(v, digits));

/** Latency percentiles of one second (ms, µs precision), from its own histogram. */
export function secondPercentiles(s: LoadSecond): { p50: number | null; p95: number | null; p99: number | null } {
  // decoding is the report's hot spot: the CSV, the embedded timeline and the charts share one decode per second
  const hit = decoded.get(s);
  if (hit) return hit;
  let out: { p50: number | null; p95: number | null; p99: number | null } = { p50: null, p95: null, p99: null };
  if (s.requests > 0 && s.histogram !== '') {
    const h = decodeHistogram(s.histogram);
    out = { p50: percentileMs(h, 50), p95: percentileMs(h, 95), p99: percentileMs(h, 99) };
  }
  decoded.set(s, out);
  return out;
}
const decoded = new WeakMap<LoadSecond, { p50: number | null; p95: number | null; p99: number | null }>();

/**
 * One row per second per target (per leg in a repeated run: `target` is then `<name>.rep<k>`),
 * every second that has load or platform data, in order.
 * rps = successful responses in that second (the per-second version of throughputRps);
 * error_rate = failures / requests (empty when nothing completed); gap = 1 when the
 * sampler could not observe the platform that second.
 */
export function timelineRows(saved: TimelineSource): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (const t of saved.record.targets) {
    const key = legKeyOf(t);
    const s = saved.series[key];
    if (!s) continue;
    const load = new Map<number, LoadSecond>(s.load.map((x) => [x.t, x]));
    const plat = new Map<number, PlatformSecond>(s.platform.map((x) => [x.t, x]));
    const ts = [...new Set([...load.keys(), ...plat.keys()])].sort((a, b) => a - b);
    for (const sec of ts) {
      const l = load.get(sec);
      const p = plat.get(sec);
      const pc = l ? secondPercentiles(l) : { p50: null, p95: null, p99: null };
      rows.push({
        run_id: saved.record.runId,
        scenario: saved.record.scenario,
        target: key,
        t_s: sec,
        vus: opt(l?.vus),
        requests: opt(l?.requests),
        failures: opt(l?.failures),
        error_rate: l && l.requests > 0 ? round(l.failures / l.requests, 4) : '',
        rps: l ? l.requests - l.failures : '',
        p50_ms: opt(pc.p50, 3),
        p95_ms: opt(pc.p95, 3),
        p99_ms: opt(pc.p99, 3),
        ready_replicas: opt(p?.readyReplicas),
        desired_replicas: opt(p?.desiredReplicas),
        hpa_desired: opt(p?.hpaDesiredReplicas),
        running_replicas: opt(p?.runningReplicas),
        cpu_cores: opt(p?.cpuCores, 3),
        nodes_ready: opt(p?.nodesReady),
        gap: p === undefined ? '' : p.gap ? 1 : 0,
        ...(t.capacity === undefined ? {} : capacityMarks(t.capacity, sec)),
      });
    }
  }
  return rows;
}

function capacityMarks(c: NonNullable<RunRecord['targets'][number]['capacity']>, t: number): Record<CapacityTimelineColumn, string | number> {
  const at = stepAt(c, t);
  return { capacity_replicas: at?.replicas ?? '', capacity_step: at === null ? '' : at.step + 1 };
}

/** The CSV of the rows; a capacity run's gets the step columns too. */
export function timelineCsv(rows: TimelineRow[]): string {
  const capacity = rows.some((r) => r.capacity_replicas !== undefined);
  return stringify(rows, { header: true, columns: capacity ? [...TIMELINE_COLUMNS, ...CAPACITY_TIMELINE_COLUMNS] : [...TIMELINE_COLUMNS] });
}
