/**
 * The Capacity section's two charts, as chart.js specs like every other chart (drawn in the
 * browser from index.html's data, and by the PNG reporter):
 * - p95 latency against achieved throughput, one line per target × replica count through its
 *   app-bound steps, the SLO as a dashed line, each knee as a star, and generator-/host-bound
 *   steps drawn as crosses off the lines (shown, never counted);
 * - capacity at SLO against replica count, one line per target (a floor drawn as a triangle),
 *   saturation dashed. Left out unless a target has a figure at two replica counts or more (the
 *   section says so in a sentence instead).
 */
import type { ReplicaCapacity } from '../../model/index.ts';
import { countsForApp } from '../capacity/facts.ts';
import type { ReportRun } from '../runs.ts';
import { alpha, targetColor, xyChartOptions, type ChartSpec, type Point } from './charts.ts';

/** Dash per replica count of one target (first count solid), so lines of one colour stay apart. */
const DASHES: number[][] = [[], [8, 4], [2, 3], [12, 4, 2, 4], [4, 4]];

/** Whether any target of the run has a capacity figure at two replica counts or more (else the second chart says nothing). */
export function scalesOverReplicas(run: ReportRun): boolean {
  return run.targets.some((t) => (t.run.capacity?.byReplicas.filter((r) => r.error === undefined && r.capacityAtSloRps !== null).length ?? 0) > 1);
}

const steps = (r: ReplicaCapacity) => r.steps.filter((s) => s.p95Ms !== null && s.p95Ms > 0);

export function capacityCharts(run: ReportRun): ChartSpec[] {
  const rec = run.saved.record;
  const probed = run.targets.filter((t) => t.run.capacity !== undefined && t.run.capacity.byReplicas.some((r) => steps(r).length > 0));
  if (probed.length === 0) return [];
  const id = (s: string): string => `${rec.runId}-${s}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const charts: ChartSpec[] = [];

  const curves: Array<Record<string, unknown>> = [];
  const knees: Point[] = [];
  const sloLines = new Map<number, string>();
  const latencies: number[] = [];
  let maxX = 0;
  for (const t of probed) {
    const c = t.run.capacity!;
    const color = targetColor(t.run.name);
    sloLines.set(c.slo.p95Ms, t.run.name);
    c.byReplicas.forEach((r, i) => {
      const shown = steps(r);
      if (shown.length === 0) return;
      for (const s of shown) {
        latencies.push(s.p95Ms!);
        maxX = Math.max(maxX, s.achievedRps);
      }
      const label = `${t.run.name} × ${r.replicas}`;
      const app = shown.filter(countsForApp).map((s): Point => [s.achievedRps, s.p95Ms]);
      const out = shown.filter((s) => !countsForApp(s)).map((s): Point => [s.achievedRps, s.p95Ms]);
      const shade = i === 0 ? color : alpha(color, Math.max(0.45, 1 - i * 0.2));
      if (app.length > 0) curves.push({ label, data: app, borderColor: shade, backgroundColor: shade, borderDash: DASHES[i % DASHES.length], borderWidth: 2, pointRadius: 3, fill: false });
      if (out.length > 0) curves.push({ label: `${label}: excluded (generator-/host-bound)`, data: out, borderColor: alpha(color, 0.7), backgroundColor: 'rgba(0,0,0,0)', showLine: false, pointStyle: 'crossRot', pointRadius: 8, pointBorderWidth: 2 });
      const knee = r.kneeStepIndex === null ? undefined : r.steps.find((s) => s.index === r.kneeStepIndex);
      if (knee?.p95Ms != null && knee.p95Ms > 0) knees.push([knee.achievedRps, knee.p95Ms]);
    });
  }
  if (knees.length > 0) curves.push({ label: 'knee (last step meeting the SLO)', data: knees, borderColor: '#111', backgroundColor: '#f1c40f', showLine: false, pointStyle: 'star', pointRadius: 11, pointBorderWidth: 1.5 });
  const sloMs = [...sloLines.keys()];
  const lo = Math.min(...latencies, ...sloMs);
  const hi = Math.max(...latencies, ...sloMs);
  const title = `${rec.scenario}: p95 latency against achieved throughput, per target × replicas (crosses: generator-/host-bound steps, not counted)`;
  charts.push({
    id: id('capacity-curve'),
    runId: rec.runId,
    scenario: rec.scenario,
    title,
    row: 'capacity',
    key: true,
    section: 'capacity',
    config: {
      type: 'line',
      data: { datasets: curves },
      options: xyChartOptions(title, { bands: [], markers: [], labels: false, hlines: sloMs.map((y) => ({ y, color: '#c0392b', label: `SLO p95 ${y} ms` })) }, {
        x: { type: 'linear', min: 0, suggestedMax: Math.ceil(maxX * 1.05), title: { display: true, text: 'achieved throughput (successful req/s)' } },
        y: { type: 'logarithmic', min: 10 ** Math.floor(Math.log10(lo)), max: 10 ** Math.ceil(Math.log10(hi)), title: { display: true, text: 'p95 latency (ms, log scale)' } },
      }),
    },
  });

  if (!scalesOverReplicas(run)) return charts;
  const lines: Array<Record<string, unknown>> = [];
  let maxReplicas = 1;
  for (const t of probed) {
    const color = targetColor(t.run.name);
    const rs = t.run.capacity!.byReplicas.filter((r) => r.error === undefined).sort((a, b) => a.replicas - b.replicas);
    maxReplicas = Math.max(maxReplicas, ...rs.map((r) => r.replicas));
    lines.push({
      label: `${t.run.name}: capacity at SLO (triangle: a floor)`,
      data: rs.map((r): Point => [r.replicas, r.capacityAtSloRps]),
      borderColor: color,
      backgroundColor: color,
      borderWidth: 2,
      pointRadius: rs.map((r) => (r.capacityIsLowerBound ? 8 : 5)),
      pointStyle: rs.map((r) => (r.capacityIsLowerBound ? 'triangle' : 'circle')),
      fill: false,
    });
    if (rs.some((r) => r.saturationRps !== null)) {
      lines.push({ label: `${t.run.name}: saturation`, data: rs.map((r): Point => [r.replicas, r.saturationRps]), borderColor: alpha(color, 0.6), backgroundColor: alpha(color, 0.6), borderDash: [6, 4], borderWidth: 1.5, pointRadius: 3, fill: false });
    }
  }
  const title2 = `${rec.scenario}: capacity at SLO against replica count, per target (dashed: saturation)`;
  charts.push({
    id: id('capacity-replicas'),
    runId: rec.runId,
    scenario: rec.scenario,
    title: title2,
    row: 'capacity',
    key: true,
    section: 'capacity',
    config: {
      type: 'line',
      data: { datasets: lines },
      options: xyChartOptions(title2, { bands: [], markers: [], labels: false, hlines: [] }, {
        x: { type: 'linear', min: 0, max: maxReplicas + 1, ticks: { stepSize: 1, precision: 0 }, title: { display: true, text: 'replicas' } },
        y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'capacity at SLO (successful req/s)' } },
      }, { spanGaps: false }),
    },
  });
  return charts;
}
