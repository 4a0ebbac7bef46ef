/**
 * Chart specs: complete chart.js configurations as plain JSON, built once from the saved
 * series and embedded in index.html (the browser renders them) and fed to
 * chartjs-node-canvas (the PNGs). Display only: series are down-sampled here, figures never.
 */
import { versionShare } from '../../measure/figures.ts';
import type { PlatformEventKind } from '../../model/index.ts';
import { secondPercentiles } from '../../measure/timeline-rows.ts';
import type { ReportRun, ReportTarget } from '../runs.ts';
import { healthChartParts } from './health-chart.ts';

/** Most points a series keeps for display (buckets keep their max, so spikes stay visible). */
export const MAX_POINTS = 900;

export type Point = [number, number | null];

export interface ChartSpec {
  /** DOM id of the canvas, also the PNG file name */
  id: string;
  runId: string;
  scenario: string;
  title: string;
  /** charts with the same row are laid side by side */
  row: string;
  /** key charts also go to PNG */
  key: boolean;
  /** drawn at a third of the height (the generator-health chart under each target) */
  small?: boolean;
  /** drawn by that section instead of the run's time rows; its x axis is not time (a click inspects no second) */
  section?: 'capacity' | 'plan';
  config: { type: 'line'; data: { datasets: Array<Record<string, unknown>> }; options: Record<string, unknown> };
}

/** One colour per shipped target name, each distinct (kind and kubernetes used to share one). */
export const TARGET_COLORS: Record<string, string> = {
  compose: '#d95f02',
  local: '#7f7f7f',
  'local-k8s': '#1f6fb4',
  kind: '#1b9e77',
  minikube: '#7570b3',
  kubernetes: '#c51b7d',
};
/** For other names (a future target): hashed, and none equal to a shipped target's colour. */
const EXTRA = ['#66a61e', '#a6761d', '#e6ab02', '#17becf', '#8c564b', '#e41a1c'];

/** Fixed colour per target name: the same target has the same colour in every chart and report. */
export function targetColor(name: string): string {
  const c = TARGET_COLORS[name];
  if (c) return c;
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return EXTRA[h % EXTRA.length]!;
}

export function alpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

const r1 = (x: number): number => Math.round(x * 10) / 10;

/** Down-sample to at most `max` points: each bucket keeps its max (or mean); all-null buckets stay null (gaps). */
export function downsample(points: Point[], mode: 'max' | 'mean', max = MAX_POINTS): Point[] {
  if (points.length <= max) return points;
  const size = Math.ceil(points.length / max);
  const out: Point[] = [];
  for (let i = 0; i < points.length; i += size) {
    const b = points.slice(i, i + size);
    const ys = b.map((p) => p[1]).filter((y): y is number => y !== null);
    const y = ys.length === 0 ? null : mode === 'max' ? Math.max(...ys) : ys.reduce((a, v) => a + v, 0) / ys.length;
    out.push([b[0]![0], y === null ? null : r1(y)]);
  }
  return out;
}

/** Events that become markers on every chart of their target; the rest are listed in the events table. */
export const MARKER_KINDS: readonly PlatformEventKind[] = [
  'fault-apply', 'fault-recover', 'node-not-ready', 'node-ready', 'rollout-start', 'rollout-finish', 'hpa-rescale', 'pod-evicted', 'lb-server-down', 'watch-gap-start', 'watch-gap-end',
];
const MAX_MARKERS = 40;

function overlays(targets: ReportTarget[], endS: number) {
  const bands: Array<{ from: number; to: number; color: string; label: string }> = [];
  const markers: Array<{ t: number; color: string; label: string }> = [];
  for (const t of targets) {
    const c = targetColor(t.run.name);
    for (const f of t.run.faults ?? []) {
      bands.push({ from: f.startMs / 1000, to: f.endMs === undefined ? endS : f.endMs / 1000, color: alpha(c, 0.12), label: `${f.kind} (${t.run.name})` });
    }
    const ev = t.series.events.filter((e) => MARKER_KINDS.includes(e.kind) && e.atMs >= 0);
    for (const e of ev.slice(0, MAX_MARKERS)) markers.push({ t: r1(e.atMs / 1000), color: c, label: `${e.kind}${e.subject ? ` ${e.subject}` : ''}` });
  }
  return { bands, markers, labels: markers.length <= 8 };
}

/**
 * Options of a chart whose x axis is not time (the Capacity and Plan sections): points picked
 * one by one, legend with point styles, the capbenchBands overlays (SLO lines, markers).
 */
export function xyChartOptions(title: string, overlays: { bands: unknown[]; markers: unknown[]; labels: boolean; hlines: unknown[] }, scales: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    animation: false,
    parsing: true,
    ...extra,
    interaction: { mode: 'nearest', intersect: true },
    plugins: {
      title: { display: true, text: title, font: { size: 14, weight: 'bold' } },
      legend: { position: 'bottom', labels: { usePointStyle: true, boxWidth: 18 } },
      capbenchBands: overlays,
    },
    scales,
  };
}

const X_TITLE = 'time since load start (s)';

function baseOptions(title: string, endS: number, yTitle: string, plugin: ReturnType<typeof overlays> & { hlines?: unknown[] }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    animation: false,
    parsing: true,
    normalized: true,
    spanGaps: false,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    plugins: {
      title: { display: true, text: title, font: { size: 14, weight: 'bold' } },
      legend: { position: 'bottom', labels: { boxWidth: 18, boxHeight: 2 } },
      capbenchBands: plugin,
    },
    elements: { point: { radius: 0, hitRadius: 4 }, line: { borderWidth: 1.5 } },
    scales: {
      x: { type: 'linear', min: 0, max: endS, title: { display: true, text: X_TITLE }, ticks: { maxTicksLimit: 13 } },
      y: { type: 'linear', beginAtZero: true, title: { display: true, text: yTitle } },
      ...extra,
    },
  };
}

function line(label: string, color: string, data: Point[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { label, data, borderColor: color, backgroundColor: color, fill: false, ...extra };
}

/** Every chart of one run (= one scenario): targets side by side on one time axis. */
export function runCharts(run: ReportRun): ChartSpec[] {
  const rec = run.saved.record;
  const targets = run.targets.filter((t) => t.series.load.length > 0 || t.series.platform.length > 0);
  if (targets.length === 0) return [];
  const lastT = Math.max(...targets.flatMap((t) => [...t.series.load.map((s) => s.t), ...t.series.platform.map((s) => s.t)]));
  const endS = Math.max(1, lastT + 1);
  const ov = overlays(targets, endS);
  const id = (s: string): string => `${rec.runId}-${s}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const charts: ChartSpec[] = [];
  const spec = (key: string, title: string, row: string, isKey: boolean, datasets: Array<Record<string, unknown>>, options: Record<string, unknown>): void => {
    charts.push({ id: id(key), runId: rec.runId, scenario: rec.scenario, title, row, key: isKey, config: { type: 'line', data: { datasets }, options } });
  };

  // latency: one chart per target, same log y range, so they compare at a glance
  const perTargetLatency = targets.map((t) => {
    const pts = t.series.load.map((s) => ({ t: s.t, ...secondPercentiles(s) }));
    return { t, p50: pts.map((p): Point => [p.t, p.p50]), p95: pts.map((p): Point => [p.t, p.p95]), p99: pts.map((p): Point => [p.t, p.p99]) };
  });
  const allLat = perTargetLatency.flatMap((x) => [...x.p50, ...x.p99]).map((p) => p[1]).filter((y): y is number => y !== null && y > 0);
  const yMin = allLat.length ? 10 ** Math.floor(Math.log10(Math.min(...allLat, run.slo.p95Ms))) : 1;
  const yMax = allLat.length ? 10 ** Math.ceil(Math.log10(Math.max(...allLat, run.slo.p95Ms))) : 10_000;
  for (const x of perTargetLatency) {
    if (x.t.series.load.length === 0) continue;
    const c = targetColor(x.t.run.name);
    const title = `${rec.scenario} · ${x.t.run.name}: latency p50 / p95 / p99 per second (ms)`;
    spec(`latency-${x.t.run.name}`, title, 'latency', true, [
      line('p50', c, downsample(x.p50, 'max'), { borderDash: [2, 2], borderWidth: 1 }),
      line('p95', c, downsample(x.p95, 'max'), { borderWidth: 2 }),
      line('p99', alpha(c, 0.55), downsample(x.p99, 'max'), { borderDash: [6, 3], borderWidth: 1 }),
    ], baseOptions(title, endS, 'latency (ms, log scale)', { ...overlays([x.t], endS), hlines: [{ y: run.slo.p95Ms, color: '#c0392b', label: `SLO p95 ${run.slo.p95Ms} ms` }] }, {
      y: { type: 'logarithmic', min: yMin, max: yMax, title: { display: true, text: 'latency (ms, log scale)' } },
    }));
  }

  // generator health: a small chart under each target's latency chart
  for (const t of targets) {
    const h = healthChartParts(t, rec.driver, targetColor(t.run.name));
    if (h === null) continue;
    const title = `${rec.scenario} · ${t.run.name}: generator health — shaded red: generator-bound, grey: host-bound`;
    spec(`health-${t.run.name}`, title, 'health', false, h.datasets.map((d) => line(d.label, d.color, downsample(d.data, 'max'), { yAxisID: d.axis, borderWidth: 1, ...(d.dash ? { borderDash: d.dash } : {}) })),
      baseOptions(title, endS, '% (CPU)', { bands: h.bands, markers: [], labels: false, hlines: h.hlines }, {
        y: { type: 'linear', beginAtZero: true, suggestedMax: 100, title: { display: true, text: '% (CPU)' } },
        ms: { type: 'linear', position: 'right', beginAtZero: true, suggestedMax: 100, display: 'auto', grid: { drawOnChartArea: false }, title: { display: true, text: 'ms' } },
        n: { type: 'linear', position: 'right', beginAtZero: true, display: 'auto', grid: { drawOnChartArea: false }, title: { display: true, text: 'requests' } },
      }));
    charts[charts.length - 1]!.small = true;
  }

  const withLoad = targets.filter((t) => t.series.load.length > 0);
  if (withLoad.length > 0) {
    const title = `${rec.scenario}: error rate per second (%)`;
    spec('errors', title, 'load', true, withLoad.map((t) =>
      line(t.run.name, targetColor(t.run.name), downsample(t.series.load.map((s): Point => [s.t, s.requests === 0 ? null : (100 * s.failures) / s.requests]), 'max'), { stepped: true })),
    baseOptions(title, endS, 'failed requests (%)', { ...ov, hlines: [{ y: run.slo.errorRate * 100, color: '#c0392b', label: `SLO ${run.slo.errorRate * 100} %` }] }, {
      y: { type: 'linear', min: 0, suggestedMax: 5, title: { display: true, text: 'failed requests (%)' } },
    }));

    const title2 = `${rec.scenario}: throughput (successful req/s) and virtual users`;
    spec('throughput', title2, 'load', true, withLoad.flatMap((t) => {
      const c = targetColor(t.run.name);
      return [
        line(`${t.run.name} req/s`, c, downsample(t.series.load.map((s): Point => [s.t, s.requests - s.failures]), 'mean'), { yAxisID: 'y' }),
        line(`${t.run.name} VUs`, alpha(c, 0.6), downsample(t.series.load.map((s): Point => [s.t, s.vus]), 'max'), { yAxisID: 'vus', borderDash: [5, 4], borderWidth: 1, stepped: true }),
      ];
    }), baseOptions(title2, endS, 'successful requests per second', ov, {
      vus: { type: 'linear', position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'virtual users' } },
    }));
  }

  const withReplicas = targets.filter((t) => t.series.platform.some((p) => p.readyReplicas !== undefined || p.desiredReplicas !== undefined));
  if (withReplicas.length > 0) {
    const title = `${rec.scenario}: replicas — ready (solid), desired (dashed), HPA desired (dotted)`;
    spec('replicas', title, 'platform', true, withReplicas.flatMap((t) => {
      const c = targetColor(t.run.name);
      const p = t.series.platform;
      const pick = (f: (x: (typeof p)[number]) => number | undefined): Point[] => downsample(p.map((s): Point => [s.t, s.gap ? null : f(s) ?? null]), 'max');
      const ds = [
        line(`${t.run.name} ready`, c, pick((s) => s.readyReplicas), { stepped: true, borderWidth: 2 }),
        line(`${t.run.name} desired`, alpha(c, 0.7), pick((s) => s.desiredReplicas), { stepped: true, borderDash: [6, 4] }),
      ];
      if (p.some((s) => s.hpaDesiredReplicas !== undefined)) ds.push(line(`${t.run.name} HPA desired`, alpha(c, 0.7), pick((s) => s.hpaDesiredReplicas), { stepped: true, borderDash: [1, 3], borderWidth: 2 }));
      return ds;
    }), baseOptions(title, endS, 'replicas', ov, { y: { type: 'linear', beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'replicas' } } }));
  }

  for (const t of targets) {
    const p = t.series.platform;
    const nodes = [...new Set(p.flatMap((s) => Object.keys(s.podsPerNode ?? {})))].sort();
    if (nodes.length === 0) continue;
    const c = targetColor(t.run.name);
    const title = `${rec.scenario} · ${t.run.name}: app pods per node`;
    const shades = [c, alpha(c, 0.65), alpha(c, 0.4), '#555', '#999', '#bbb'];
    spec(`pods-${t.run.name}`, title, 'pods', false, nodes.map((n, i) =>
      line(n, shades[i % shades.length]!, downsample(p.map((s): Point => [s.t, s.gap || !s.podsPerNode ? null : s.podsPerNode[n] ?? 0]), 'max'), { stepped: true, borderDash: i >= shades.length ? [4, 2] : [] })),
    baseOptions(title, endS, 'pods', overlays([t], endS), { y: { type: 'linear', beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'pods' } } }));
  }

  const rolling = rec.scenario === 'rolling-update' || targets.some((t) => (t.run.faults ?? []).some((f) => f.kind === 'rolling-update'));
  if (rolling) {
    for (const t of targets) {
      if (t.series.load.length === 0) continue;
      const shares = versionShare(t.series.load);
      const versions = [...new Set(shares.flatMap((s) => Object.keys(s.shares)))].sort();
      if (versions.length === 0) continue;
      const c = targetColor(t.run.name);
      const title = `${rec.scenario} · ${t.run.name}: traffic share by app version (%)`;
      const vColors = ['#9e9e9e', c, '#e7298a', '#66a61e'];
      spec(`versions-${t.run.name}`, title, 'versions', true, versions.map((v, i) =>
        line(`version ${v}`, vColors[i % vColors.length]!, downsample(shares.map((s): Point => [s.t, 100 * (s.shares[v] ?? 0)]), 'mean'), { fill: i === 0 ? 'origin' : '-1', backgroundColor: alpha(i === 0 ? '#9e9e9e' : c, i === 0 ? 0.35 : 0.3) })),
      baseOptions(title, endS, 'share of responses (%)', overlays([t], endS), { y: { type: 'linear', stacked: true, min: 0, max: 100, title: { display: true, text: 'share of responses (%)' } } }));
    }
  }
  return charts;
}
