/**
 * The Plan section's charts, one per target of a saved plan, as chart.js specs like every
 * other chart (drawn in the browser from index.html's data, and by the PNG reporter):
 * capacity at SLO against replicas — the measured figures the fit used (a floor drawn as a
 * triangle), the fitted USL curve, its 95 % band shaded between its lower end (dashed: what
 * the plan sizes by) and upper end, each planned user count as a star at (replicas, needed
 * req/s), and N* as a vertical marker. Needs the band plan.json keeps (`fit.band`); a plan
 * saved without it gets no chart (the section says so).
 */
import type { TargetModel } from '../../model/index.ts';
import { num } from '../format.ts';
import type { ReportPlanData } from '../data.ts';
import { alpha, targetColor, xyChartOptions, type ChartSpec, type Point } from './charts.ts';

/** The chart's DOM id for a target of the plan of `runId`. */
export const planChartId = (runId: string, target: string): string => `${runId}-plan-${target}`.replace(/[^A-Za-z0-9_-]/g, '_');

/** Replicas the chart spans: the probed counts ×2, every planned count and N*, within the saved band. */
function spanOf(m: TargetModel, planned: readonly number[]): number {
  const probed = Math.max(...m.observations.map((o) => o.replicas));
  const peak = m.fit.peakReplicas === null ? 0 : Math.ceil(m.fit.peakReplicas) + 1;
  return Math.min(m.fit.band!.length, Math.max(4, 2 * probed, ...planned.map((n) => n + 1), peak));
}

export function planCharts(p: ReportPlanData): ChartSpec[] {
  if (p.status !== 'ok') return [];
  return p.plan.models.flatMap((m): ChartSpec[] => {
    if (!m.fit.band || m.fit.band.length === 0) return [];
    const rows = p.plan.rows.filter((r) => r.target === m.target);
    const planned = rows.filter((r) => r.replicas !== null);
    const span = spanOf(m, planned.map((r) => r.replicas!));
    const band = m.fit.band.filter((b) => b.replicas <= span);
    const color = targetColor(m.target);
    const floors = new Set(m.lowerBoundCounts);
    const measured = m.observations.flatMap((o) => o.throughputRps.map((v): Point => [o.replicas, v]));
    const datasets: Array<Record<string, unknown>> = [
      { label: '95 % band, lower end (what the plan sizes by)', data: band.map((b): Point => [b.replicas, b.lowerRps]), borderColor: alpha(color, 0.8), backgroundColor: alpha(color, 0.15), borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0, fill: false },
      { label: '95 % band, upper end', data: band.map((b): Point => [b.replicas, b.upperRps]), borderColor: alpha(color, 0.35), backgroundColor: alpha(color, 0.15), borderWidth: 1, pointRadius: 0, fill: '-1' },
      { label: 'USL fit X(N)', data: band.map((b): Point => [b.replicas, b.throughputRps]), borderColor: color, backgroundColor: color, borderWidth: 2.5, pointRadius: 0, fill: false },
      {
        label: 'measured capacity at SLO (triangle: a floor)',
        data: measured,
        borderColor: '#111',
        backgroundColor: color,
        showLine: false,
        pointStyle: measured.map((pt) => (floors.has(pt[0]) ? 'triangle' : 'circle')),
        pointRadius: 6,
        pointBorderWidth: 1.5,
      },
    ];
    if (planned.length > 0) {
      datasets.push({ label: 'planned: replicas for the users’ load + headroom', data: planned.map((r): Point => [r.replicas!, r.neededRps]), borderColor: '#111', backgroundColor: '#f1c40f', showLine: false, pointStyle: 'star', pointRadius: 11, pointBorderWidth: 1.5 });
    }
    const unreachable = rows.filter((r) => r.replicas === null);
    const peak = m.fit.peakReplicas;
    const title = `${m.target}: capacity at SLO against replicas — measured, the USL fit and its 95 % band; stars: the plan`;
    return [{
      id: planChartId(p.runId, m.target),
      runId: p.runId,
      scenario: 'plan',
      title,
      row: 'plan',
      key: true,
      section: 'plan',
      config: {
        type: 'line',
        data: { datasets },
        options: xyChartOptions(title, {
          bands: [],
          markers: peak !== null && peak <= span ? [{ t: peak, color: '#c0392b', label: `N* ≈ ${num(peak)}: more replicas lower throughput` }] : [],
          labels: true,
          hlines: unreachable.map((r) => ({ y: r.neededRps, color: '#c0392b', label: `${r.users} users need ${num(r.neededRps)} req/s: unreachable` })),
        }, {
          x: { type: 'linear', min: 0, max: span + 1, ticks: { precision: 0 }, title: { display: true, text: 'replicas' } },
          y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'capacity at SLO (successful req/s)' } },
        }),
      },
    }];
  });
}
