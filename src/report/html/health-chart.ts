/**
 * The small generator-health chart under each target: the generator's CPU, the machine's
 * CPU busy and steal (% axis), the harness's event-loop delay p99 (ms axis), in-flight
 * requests and dropped arrivals (requests axis), with generator-bound seconds shaded red
 * and host-bound ones grey. Display only; the judgement is src/measure/generator-bound.ts.
 */
import { GENERATOR_BOUNDS, type SecondHealth } from '../../measure/generator-bound.ts';
import type { ReportTarget } from '../runs.ts';

type Point = [number, number | null];

export interface HealthChartParts {
  datasets: Array<{ label: string; axis: 'y' | 'ms' | 'n'; data: Point[]; color: string; dash?: number[] }>;
  bands: Array<{ from: number; to: number; color: string; label: string }>;
  /** the loop-delay bound, drawn on the ms axis (builtin only) */
  hlines: Array<{ y: number; axis: 'ms'; color: string; label: string }>;
}

/** Most shaded stretches drawn per chart (merged runs of seconds); the rest are in the data. */
const MAX_BANDS = 60;

/** Runs of consecutive seconds where `pick` holds, as shaded stretches. */
export function stretches(judged: readonly SecondHealth[], pick: (s: SecondHealth) => boolean, color: string): HealthChartParts['bands'] {
  const out: HealthChartParts['bands'] = [];
  for (const s of judged) {
    if (!pick(s)) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.to === s.t) last.to = s.t + 1;
    else out.push({ from: s.t, to: s.t + 1, color, label: '' });
  }
  return out.slice(0, MAX_BANDS);
}

/** The parts of one target's health chart; null when the target recorded no health. */
export function healthChartParts(t: ReportTarget, driver: 'builtin' | 'k6', color: string): HealthChartParts | null {
  const h = t.series.health;
  if (h.length === 0) return null;
  const pts = (f: (x: (typeof h)[number]) => number | null | undefined): Point[] => h.map((x): Point => [x.t, f(x) ?? null]);
  const datasets: HealthChartParts['datasets'] = [
    driver === 'k6'
      ? { label: 'k6 CPU (% of one core)', axis: 'y', data: pts((x) => x.k6CpuPercent), color }
      : { label: 'harness CPU (% of one core)', axis: 'y', data: pts((x) => x.harnessCpuPercent), color },
    { label: 'machine CPU busy (%)', axis: 'y', data: pts((x) => x.hostBusyPercent), color: '#555', dash: [4, 3] },
  ];
  if (h.some((x) => (x.hostStealPercent ?? 0) > 0)) datasets.push({ label: 'steal (%)', axis: 'y', data: pts((x) => x.hostStealPercent), color: '#999', dash: [1, 3] });
  if (driver === 'builtin') datasets.push({ label: 'loop delay p99 (ms)', axis: 'ms', data: pts((x) => x.loopDelayP99Ms), color: '#8e44ad' });
  if (h.some((x) => x.inFlight !== undefined)) datasets.push({ label: 'in flight', axis: 'n', data: pts((x) => x.inFlight), color: '#16a085', dash: [6, 3] });
  if (t.series.load.some((s) => (s.dropped ?? 0) > 0)) datasets.push({ label: 'dropped arrivals/s', axis: 'n', data: t.series.load.map((s): Point => [s.t, s.dropped ?? 0]), color: '#c0392b' });
  return {
    datasets,
    bands: [
      ...stretches(t.health, (s) => s.hostBound, 'rgba(90,90,90,0.15)'),
      ...stretches(t.health, (s) => s.generatorBound.length > 0, 'rgba(192,57,43,0.22)'),
    ],
    hlines: driver === 'builtin' ? [{ y: GENERATOR_BOUNDS.loopDelayP99Ms, axis: 'ms', color: '#8e44ad', label: `loop delay bound ${GENERATOR_BOUNDS.loopDelayP99Ms} ms` }] : [],
  };
}
