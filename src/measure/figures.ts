/**
 * Every figure of DESIGN.md's measurement definitions, computed in one place from saved
 * series. The run stores them in run.json; the report and the verdict use the same code.
 * (Over 300 lines: downtime and degraded time share the stretch counting kept here.)
 */
import type { MeasurementWindow, Slo } from '../../scenarios/lib/profile.ts';
import type { AvailabilityBasis, FaultFigures, FaultWindow, LoadSecond, PlatformSecond, StartSecond, TargetFigures, WindowFigures } from '../model/index.ts';
import { degradedStartState, isDegradedSecond, startedErrorRate, type Degradation } from './degraded.ts';
import { decodeHistogram, maxMs, meanMs, newHistogram, percentileMs, type Histogram } from './histogram.ts';

/** Seconds a recovery stretch must last (DESIGN.md: "the first 10-second stretch"). */
export const RECOVERY_STRETCH_S = 10;

/** Request counts and latency of a set of seconds, from one merged histogram. */
function figuresOf(name: string, startS: number, endS: number, requests: number, failures: number, h: Histogram): WindowFigures {
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

/** Figures of the seconds t ∈ [startS, endS), percentiles from the merged histogram. */
export function windowFigures(load: readonly LoadSecond[], name: string, startS: number, endS: number): WindowFigures {
  return windowsFigures(load, [{ name, startS, endS }])[0]!;
}

/**
 * Figures of several windows in one pass: each second's histogram is decoded once and
 * added to every window it belongs to (decoding is the expensive part of a long run).
 */
export function windowsFigures(load: readonly LoadSecond[], windows: ReadonlyArray<{ name: string; startS: number; endS: number }>): WindowFigures[] {
  const acc = windows.map(() => ({ h: newHistogram(), requests: 0, failures: 0 }));
  for (const s of load) {
    let h: Histogram | null = null;
    windows.forEach((w, i) => {
      if (s.t < w.startS || s.t >= w.endS) return;
      const a = acc[i]!;
      a.requests += s.requests;
      a.failures += s.failures;
      if (s.histogram === '') return;
      h ??= decodeHistogram(s.histogram);
      a.h.add(h);
    });
  }
  return windows.map((w, i) => figuresOf(w.name, w.startS, w.endS, acc[i]!.requests, acc[i]!.failures, acc[i]!.h));
}

/**
 * A completion second is down when fewer than half of the requests that completed in it
 * succeeded, or none completed while users were active. Only for runs saved without start
 * seconds: an outage in which the app stops answering reads longer by up to one timeout.
 */
export function isDownSecond(s: LoadSecond): boolean {
  if (s.requests === 0) return s.vus > 0;
  return (s.requests - s.failures) * 2 < s.requests;
}

/**
 * DESIGN.md: what users who arrived in a start second got. `down` when fewer than half of
 * the requests started in it succeeded; with none started, when users waited through it for
 * requests that then failed (fewer than half of those waiting got an answer) — in a closed
 * model every user may be stuck on a request that will time out, so nobody starts one.
 * `unobserved` when nobody started or waited (users thinking, or the generator stalled).
 */
export function startSecondState(s: StartSecond): 'up' | 'down' | 'unobserved' {
  if (s.requests > 0) return (s.requests - s.failures) * 2 < s.requests ? 'down' : 'up';
  if (s.waiting > 0) return (s.waiting - s.waitingFailures) * 2 < s.waiting ? 'down' : 'up';
  return 'unobserved';
}

export function isDownStartSecond(s: StartSecond): boolean {
  return startSecondState(s) === 'down';
}

/** Down seconds and the longest unbroken run of them, over [fromS, toS); a hole breaks a run. */
export function downRuns<S extends { t: number }>(secs: readonly S[], isDown: (s: S) => boolean, fromS: number, toS: number): { downtimeS: number; longestOutageS: number } {
  let total = 0;
  let longest = 0;
  let run = 0;
  let prevT: number | null = null;
  for (const s of secs) {
    if (s.t < fromS || s.t >= toS) continue;
    if (prevT !== null && s.t !== prevT + 1) run = 0;
    prevT = s.t;
    if (isDown(s)) {
      total++;
      run++;
      longest = Math.max(longest, run);
    } else {
      run = 0;
    }
  }
  return { downtimeS: total, longestOutageS: longest };
}

/** Downtime and longest outage by completion seconds, over [fromS, toS) (runs saved without start seconds). */
export function downtime(load: readonly LoadSecond[], fromS = -Infinity, toS = Infinity): { downtimeS: number; longestOutageS: number } {
  return downRuns(load, isDownSecond, fromS, toS);
}

/**
 * Downtime and longest outage by start seconds (DESIGN.md), over [fromS, toS). An unobserved
 * second counts as down only inside an outage — when the nearest observed seconds before and
 * after it (without a hole between) are both down — so a generator stall in the middle of an
 * outage does not split it, and quiet seconds of a healthy run stay up. `stateOf` judges a
 * second (default: DESIGN.md's down; degraded.ts passes the SLO's error rate).
 */
export function startDowntime(starts: readonly StartSecond[], fromS = -Infinity, toS = Infinity, stateOf: (s: StartSecond) => 'up' | 'down' | 'unobserved' = startSecondState): { downtimeS: number; longestOutageS: number } {
  const secs = starts.filter((s) => s.t >= fromS && s.t < toS);
  const state = secs.map(stateOf);
  const down = state.map((x) => x === 'down');
  for (let i = 0; i < secs.length; i++) {
    if (state[i] !== 'unobserved') continue;
    let j = i;
    while (j + 1 < secs.length && state[j + 1] === 'unobserved' && secs[j + 1]!.t === secs[j]!.t + 1) j++;
    const before = i > 0 && secs[i - 1]!.t === secs[i]!.t - 1 ? state[i - 1] : undefined;
    const after = j + 1 < secs.length && secs[j + 1]!.t === secs[j]!.t + 1 ? state[j + 1] : undefined;
    if (before === 'down' && after === 'down') for (let k = i; k <= j; k++) down[k] = true;
    i = j;
  }
  return downRuns(secs.map((s, i) => ({ t: s.t, down: down[i]! })), (x) => x.down, fromS, toS);
}

/** Degraded seconds (degraded.ts) over [fromS, toS): by start seconds when there are any, else by completion seconds. */
export function degradedTime(o: { starts?: readonly StartSecond[] | undefined; load: readonly LoadSecond[] }, errorRate: number, fromS = -Infinity, toS = Infinity): Degradation {
  const r = o.starts !== undefined && o.starts.length > 0
    ? startDowntime(o.starts, fromS, toS, (s) => degradedStartState(s, errorRate))
    : downRuns(o.load, (s) => isDegradedSecond(s, errorRate), fromS, toS);
  return { degradedS: r.downtimeS, longestDegradedS: r.longestOutageS };
}

/** What time to recover needs of a second: LoadSecond (by completion) and StartSecond (by start) both have it. */
export type SecondCounts = Pick<LoadSecond, 't' | 'requests' | 'failures' | 'histogram'>;

/**
 * Seconds from `fromMs` to the start of the first 10 s stretch in which every second has
 * requests and the stretch's merged p95 and error rate meet the SLO; null = never. Given
 * start seconds (DESIGN.md), a stretch is what users who arrived in it got.
 */
export function timeToRecoverS(load: readonly SecondCounts[], fromMs: number, slo: Slo): number | null {
  const first = Math.floor(fromMs / 1000);
  const secs = load.filter((s) => s.t >= first).sort((a, b) => a.t - b.t);
  // slide a 10 s stretch over the seconds: add the second entering, subtract the one leaving
  const stretch: Array<{ s: SecondCounts; h: Histogram }> = [];
  const merged = newHistogram();
  let requests = 0;
  let failures = 0;
  for (const s of secs) {
    const prev = stretch[stretch.length - 1];
    if (s.requests === 0 || (prev && s.t !== prev.s.t + 1)) {
      // a second without completed requests (or a hole) breaks every stretch through it
      stretch.length = 0;
      merged.reset();
      requests = 0;
      failures = 0;
      if (s.requests === 0) continue;
    }
    const h = decodeHistogram(s.histogram);
    stretch.push({ s, h });
    merged.add(h);
    requests += s.requests;
    failures += s.failures;
    if (stretch.length > RECOVERY_STRETCH_S) {
      const out = stretch.shift()!;
      merged.subtract(out.h);
      requests -= out.s.requests;
      failures -= out.s.failures;
    }
    if (stretch.length === RECOVERY_STRETCH_S) {
      const p95 = percentileMs(merged, 95);
      if (p95 !== null && p95 <= slo.p95Ms && failures / requests <= slo.errorRate) {
        return Math.max(0, (stretch[0]!.s.t * 1000 - fromMs) / 1000);
      }
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
  /** start seconds (availability); absent or empty = a run saved before they were recorded: completion seconds stand in */
  starts?: readonly StartSecond[];
  /** the profile's duration, s: every figure covers [0, durationS), nothing of a graceful stop; absent = up to the last saved second */
  durationS?: number;
}

/** The seconds availability is judged by, cut to the figures' span [0, endS). */
interface Availability {
  basis: AvailabilityBasis;
  seconds: readonly SecondCounts[];
  downtime: { downtimeS: number; longestOutageS: number };
}

function availabilityOf(inp: FigureInputs, endS: number): Availability {
  const starts = inp.starts ?? [];
  if (starts.length > 0) {
    return { basis: 'start-second', seconds: starts.filter((s) => s.t < endS), downtime: startDowntime(starts, 0, endS) };
  }
  return { basis: 'completion-second', seconds: inp.load.filter((s) => s.t < endS), downtime: downtime(inp.load, 0, endS) };
}

/** End of the figures' span: the profile's end, or the last saved second when the run stopped earlier. */
function spanEndS(inp: FigureInputs): number {
  const lastT = inp.load.length === 0 ? 0 : inp.load[inp.load.length - 1]!.t + 1;
  return inp.durationS === undefined ? lastT : Math.min(lastT, Math.ceil(inp.durationS));
}

/** Figures of one fault: failed requests inside its window (by completion), time to recover (by availability). */
function faultFigures(inp: FigureInputs, f: FaultWindow, endS: number, avail: Availability): FaultFigures {
  const startS = Math.floor(f.startMs / 1000);
  const faultEndS = f.endMs === undefined ? endS : Math.ceil(f.endMs / 1000);
  const inside = windowFigures(inp.load, 'fault', startS, Math.max(startS + 1, faultEndS));
  const degraded = degradedTime(inp, inp.slo.errorRate, startS, Math.max(startS + 1, faultEndS));
  return {
    window: f,
    failedRequests: inside.failures,
    requests: inside.requests,
    errorRate: startedErrorRate(inp, startS, Math.max(startS + 1, faultEndS)),
    degradedS: degraded.degradedS,
    longestDegradedS: degraded.longestDegradedS,
    timeToRecoverS: timeToRecoverS(avail.seconds, f.startMs, inp.slo),
    capacityBackS: capacityBackS(inp.platform, startS),
    rolloutDurationS: f.kind === 'rolling-update' && f.endMs !== undefined ? (f.endMs - f.startMs) / 1000 : null,
  };
}

/** All figures of one target's run, over exactly [0, profile's duration). */
export function computeFigures(inp: FigureInputs): TargetFigures {
  const endS = spanEndS(inp);
  const spike = inp.windows.find((w) => w.name === 'spike');
  const up = scaleUp(inp.platform, spike ? spike.startS : 0);
  const ready = inp.platform.filter((p) => !p.gap && p.readyReplicas !== undefined).map((p) => p.readyReplicas!);
  const desired = inp.platform.filter((p) => !p.gap).map(desiredOf).filter((d): d is number => d !== undefined);
  const avail = availabilityOf(inp, endS);
  const degraded = degradedTime(inp, inp.slo.errorRate, 0, endS);
  const all = windowsFigures(inp.load, [
    ...inp.windows.map((w) => ({ name: w.name, startS: w.startS, endS: Math.min(w.endS, Math.max(endS, w.startS + 1)) })),
    { name: 'overall', startS: 0, endS: Math.max(1, endS) },
  ]);
  return {
    windows: all.slice(0, -1),
    overall: all[all.length - 1]!,
    downtimeS: avail.downtime.downtimeS,
    longestOutageS: avail.downtime.longestOutageS,
    degradedS: degraded.degradedS,
    longestDegradedS: degraded.longestDegradedS,
    availabilityBasis: avail.basis,
    scaleUpReactionS: spike ? up.reactionS : null,
    timeToPeakReadyS: spike ? up.timeToPeakReadyS : null,
    peakReadyReplicas: ready.length ? Math.max(...ready) : null,
    minReadyReplicas: ready.length ? Math.min(...ready) : null,
    peakDesiredReplicas: desired.length ? Math.max(...desired) : null,
    faults: inp.faults.map((f) => faultFigures(inp, f, endS, avail)),
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
