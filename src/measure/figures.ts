/**
 * Every figure of DESIGN.md's measurement definitions, computed in one place from saved
 * series. The run stores them in run.json; the report and the verdict use the same code.
 */
import type { MeasurementWindow, Slo } from '../../scenarios/lib/profile.ts';
import type { FaultFigures, FaultWindow, LoadSecond, PlatformSecond, TargetFigures, WindowFigures } from '../model/index.ts';
import { maxMs, meanMs, mergeEncoded, percentileMs } from './histogram.ts';

/** Seconds a recovery stretch must last (DESIGN.md: "the first 10-second stretch"). */
export const RECOVERY_STRETCH_S = 10;

/** Figures of the seconds t ∈ [startS, endS), percentiles from the merged histogram. */
export function windowFigures(load: readonly LoadSecond[], name: string, startS: number, endS: number): WindowFigures {
  const secs = load.filter((s) => s.t >= startS && s.t < endS);
  const h = mergeEncoded(secs.map((s) => s.histogram));
  const requests = secs.reduce((a, s) => a + s.requests, 0);
  const failures = secs.reduce((a, s) => a + s.failures, 0);
  const span = Math.max(1, endS - startS);
  return {
    name,
    startS,
    endS,
    requests,
    failures,
    errorRate: requests === 0 ? 0 : failures / requests,
    throughputRps: (requests - failures) / span,
    avgMs: meanMs(h),
    p50Ms: percentileMs(h, 50),
    p95Ms: percentileMs(h, 95),
    p99Ms: percentileMs(h, 99),
    maxMs: maxMs(h),
  };
}

/** DESIGN.md: a second is down when fewer than half of its requests succeeded, or none completed. */
export function isDownSecond(s: LoadSecond): boolean {
  if (s.requests === 0) return s.vus > 0;
  return (s.requests - s.failures) * 2 < s.requests;
}

/** Downtime (seconds down) and the longest unbroken run of down seconds, over [fromS, toS). */
export function downtime(load: readonly LoadSecond[], fromS = -Infinity, toS = Infinity): { downtimeS: number; longestOutageS: number } {
  let total = 0;
  let longest = 0;
  let run = 0;
  let prevT: number | null = null;
  for (const s of load) {
    if (s.t < fromS || s.t >= toS) continue;
    if (prevT !== null && s.t !== prevT + 1) run = 0; // a hole in the series breaks a run
    prevT = s.t;
    if (isDownSecond(s)) {
      total++;
      run++;
      longest = Math.max(longest, run);
    } else {
      run = 0;
    }
  }
  return { downtimeS: total, longestOutageS: longest };
}

/**
 * Seconds from `fromMs` to the start of the first 10 s stretch in which every second
 * completed requests and the stretch's merged p95 and error rate meet the SLO; null = never.
 */
export function timeToRecoverS(load: readonly LoadSecond[], fromMs: number, slo: Slo): number | null {
  const byT = new Map(load.map((s) => [s.t, s]));
  const first = Math.floor(fromMs / 1000);
  const last = load.length === 0 ? -1 : Math.max(...load.map((s) => s.t));
  for (let start = first; start + RECOVERY_STRETCH_S - 1 <= last; start++) {
    const stretch: LoadSecond[] = [];
    for (let t = start; t < start + RECOVERY_STRETCH_S; t++) {
      const s = byT.get(t);
      if (!s || s.requests === 0) break;
      stretch.push(s);
    }
    if (stretch.length < RECOVERY_STRETCH_S) continue;
    const w = windowFigures(stretch, 'stretch', start, start + RECOVERY_STRETCH_S);
    if (w.p95Ms !== null && w.p95Ms <= slo.p95Ms && w.errorRate <= slo.errorRate) {
      return Math.max(0, (start * 1000 - fromMs) / 1000);
    }
  }
  return null;
}

function desiredOf(p: PlatformSecond): number | undefined {
  return p.desiredReplicas ?? p.hpaDesiredReplicas;
}

/** Spike start → first increase of desired replicas (s), and → peak ready replicas. */
export function scaleUp(platform: readonly PlatformSecond[], spikeStartS: number): { reactionS: number | null; timeToPeakReadyS: number | null; peakReady: number | null } {
  const after = platform.filter((p) => p.t >= spikeStartS && !p.gap);
  const base = after.find((p) => desiredOf(p) !== undefined);
  let reactionS: number | null = null;
  if (base) {
    const d0 = desiredOf(base)!;
    const up = after.find((p) => (desiredOf(p) ?? -1) > d0);
    if (up) reactionS = up.t - spikeStartS;
  }
  let peakReady: number | null = null;
  let peakAt: number | null = null;
  for (const p of after) {
    if (p.readyReplicas === undefined) continue;
    if (peakReady === null || p.readyReplicas > peakReady) {
      peakReady = p.readyReplicas;
      peakAt = p.t;
    }
  }
  return { reactionS, timeToPeakReadyS: peakAt === null ? null : peakAt - spikeStartS, peakReady };
}

/** After `fromS`: the first second ready < desired, then the first second ready ≥ desired again; seconds from fromS. 0 = never dropped. */
export function capacityBackS(platform: readonly PlatformSecond[], fromS: number): number | null {
  const after = platform.filter((p) => p.t >= fromS && !p.gap && p.readyReplicas !== undefined && desiredOf(p) !== undefined);
  const drop = after.findIndex((p) => p.readyReplicas! < desiredOf(p)!);
  if (drop < 0) return after.length > 0 ? 0 : null;
  const back = after.slice(drop).find((p) => p.readyReplicas! >= desiredOf(p)!);
  return back ? back.t - fromS : null;
}

export interface FigureInputs {
  load: readonly LoadSecond[];
  platform: readonly PlatformSecond[];
  faults: readonly FaultWindow[];
  windows: readonly MeasurementWindow[];
  slo: Slo;
}

export function faultFigures(inp: FigureInputs, f: FaultWindow): FaultFigures {
  const lastT = inp.load.length === 0 ? 0 : inp.load[inp.load.length - 1]!.t + 1;
  const startS = Math.floor(f.startMs / 1000);
  const endS = f.endMs === undefined ? lastT : Math.ceil(f.endMs / 1000);
  const inside = windowFigures(inp.load, 'fault', startS, Math.max(startS + 1, endS));
  return {
    window: f,
    failedRequests: inside.failures,
    requests: inside.requests,
    timeToRecoverS: timeToRecoverS(inp.load, f.startMs, inp.slo),
    capacityBackS: capacityBackS(inp.platform, startS),
    rolloutDurationS: f.kind === 'rolling-update' && f.endMs !== undefined ? (f.endMs - f.startMs) / 1000 : null,
  };
}

/** All figures of one target's run. */
export function computeFigures(inp: FigureInputs): TargetFigures {
  const lastT = inp.load.length === 0 ? 0 : inp.load[inp.load.length - 1]!.t + 1;
  const spike = inp.windows.find((w) => w.name === 'spike');
  const up = scaleUp(inp.platform, spike ? spike.startS : 0);
  const ready = inp.platform.filter((p) => !p.gap && p.readyReplicas !== undefined).map((p) => p.readyReplicas!);
  const desired = inp.platform.filter((p) => !p.gap).map(desiredOf).filter((d): d is number => d !== undefined);
  const dt = downtime(inp.load);
  return {
    windows: inp.windows.map((w) => windowFigures(inp.load, w.name, w.startS, Math.min(w.endS, Math.max(lastT, w.startS + 1)))),
    overall: windowFigures(inp.load, 'overall', 0, Math.max(1, lastT)),
    downtimeS: dt.downtimeS,
    longestOutageS: dt.longestOutageS,
    scaleUpReactionS: spike ? up.reactionS : null,
    timeToPeakReadyS: spike ? up.timeToPeakReadyS : null,
    peakReadyReplicas: ready.length ? Math.max(...ready) : null,
    minReadyReplicas: ready.length ? Math.min(...ready) : null,
    peakDesiredReplicas: desired.length ? Math.max(...desired) : null,
    faults: inp.faults.map((f) => faultFigures(inp, f)),
  };
}

/** Share of responses per version, per second (rolling updates). */
export function versionShare(load: readonly LoadSecond[]): Array<{ t: number; shares: Record<string, number> }> {
  return load.map((s) => {
    const total = Object.values(s.versions).reduce((a, b) => a + b, 0);
    const shares: Record<string, number> = {};
    for (const [v, n] of Object.entries(s.versions)) shares[v] = total === 0 ? 0 : n / total;
    return { t: s.t, shares };
  });
}
