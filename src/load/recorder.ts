import type { LoadSecond, StartSecond } from '../model/index.ts';
import { encodeHistogram, newHistogram, recordMs, type Histogram } from '../measure/histogram.ts';
import type { LoadRunOptions } from './driver.ts';
import { StartRecorder } from './start-recorder.ts';

/** One finished request, as any load driver reports it. */
export interface RequestOutcome {
  /** completion time, ms since load start (negative = warm-up, dropped) */
  atMs: number;
  /**
   * when the request was sent, ms since load start; absent = `atMs − durationMs` (k6, whose
   * duration leaves out waiting for and opening a connection: a few ms later than the truth)
   */
  startMs?: number;
  durationMs: number;
  /** HTTP status; 0 or undefined when no response */
  status?: number;
  /** set when no response: `timeout`, `ECONNREFUSED`, k6 error code, … */
  error?: string;
  servedBy?: string;
  version?: string;
}

/** DESIGN.md: failed = no response in time, network error, or status outside 200–399. */
export function failureReason(o: Pick<RequestOutcome, 'status' | 'error'>): string | null {
  if (o.error !== undefined && o.error !== '') return o.error;
  const s = o.status ?? 0;
  if (s === 0) return 'no_response';
  if (s < 200 || s > 399) return `status_${s}`;
  return null;
}

interface OpenSecond {
  t: number;
  requests: number;
  failures: number;
  failuresByReason: Record<string, number>;
  histogram: Histogram;
  servedBy: Record<string, number>;
  versions: Record<string, number>;
  vus: number;
  dropped: number;
}

export interface LoadRecorderOptions {
  /** how long a completion second stays open for late outcomes, s (default 3) */
  latenessS?: number;
  /**
   * Also record start seconds (StartRecorder): each is handed to `emit` in order, without
   * holes, once every request started in it has completed or timed out — about `timeoutMs`
   * + the lateness after it ends. `timeoutMs` is the load's request timeout.
   */
  starts?: { timeoutMs: number; emit: (s: StartSecond) => void };
  /** called once, with the start (ms since load start) of the first request recorded */
  onFirstRequest?: (startMs: number) => void;
}

/** Recorder options for a driver's run: start seconds when the run asks for them, with the plan's timeout. */
export function recorderOptionsFor(o: Pick<LoadRunOptions, 'plan' | 'onStartSecond' | 'onFirstRequest'>, latenessS?: number): LoadRecorderOptions {
  const emit = o.onStartSecond;
  return {
    ...(latenessS === undefined ? {} : { latenessS }),
    ...(o.onFirstRequest ? { onFirstRequest: o.onFirstRequest } : {}),
    ...(emit ? { starts: { timeoutMs: o.plan.profile.timeoutMs, emit } } : {}),
  };
}

/**
 * Puts request outcomes into per-second buckets by completion second and hands each finished
 * second to `emit` (throughput, latency), and — with `starts` — by start second too
 * (availability). Memory stays bounded: a completion second is emitted once outcomes
 * `lateness` seconds newer arrive. Shared by the builtin and k6 drivers, so both produce the
 * same timeline.
 */
export class LoadRecorder {
  private readonly open = new Map<number, OpenSecond>();
  private emittedUpTo = -1;
  private emittedVUs = 0;
  private maxT = -1;
  totalRequests = 0;
  totalFailures = 0;
  /** outcomes that arrived for a second already emitted (counted, not lost silently) */
  lateOutcomes = 0;

  private readonly latenessS: number;
  private readonly starts: StartRecorder | null;
  private onFirstRequest: ((startMs: number) => void) | null;

  constructor(private readonly emit: (s: LoadSecond) => void, opts: LoadRecorderOptions = {}) {
    this.latenessS = opts.latenessS ?? 3;
    this.onFirstRequest = opts.onFirstRequest ?? null;
    this.starts = opts.starts ? new StartRecorder(opts.starts.emit, opts.starts.timeoutMs, this.latenessS) : null;
  }

  /** outcomes whose start second had already been written (not counted there) */
  get lateStarts(): number {
    return this.starts?.lateOutcomes ?? 0;
  }

  private bucket(t: number): OpenSecond {
    let b = this.open.get(t);
    if (!b) {
      b = { t, requests: 0, failures: 0, failuresByReason: {}, histogram: newHistogram(), servedBy: {}, versions: {}, vus: -1, dropped: 0 };
      this.open.set(t, b);
    }
    return b;
  }

  record(o: RequestOutcome): void {
    if (o.atMs < 0) return;
    const reason = failureReason(o);
    const startMs = o.startMs ?? o.atMs - o.durationMs;
    if (this.onFirstRequest) {
      const first = this.onFirstRequest;
      this.onFirstRequest = null;
      first(startMs);
    }
    this.starts?.record(startMs, o.atMs, o.durationMs, reason);
    const t = Math.floor(o.atMs / 1000);
    if (t <= this.emittedUpTo) {
      this.lateOutcomes++;
      return;
    }
    const b = this.bucket(t);
    b.requests++;
    this.totalRequests++;
    recordMs(b.histogram, o.durationMs);
    if (reason !== null) {
      b.failures++;
      this.totalFailures++;
      b.failuresByReason[reason] = (b.failuresByReason[reason] ?? 0) + 1;
    }
    if (o.servedBy) b.servedBy[o.servedBy] = (b.servedBy[o.servedBy] ?? 0) + 1;
    if (o.version) b.versions[o.version] = (b.versions[o.version] ?? 0) + 1;
    if (t > this.maxT) {
      this.maxT = t;
      this.flushBefore(t - this.latenessS);
      this.starts?.advance(t);
    }
  }

  /** Active VUs at `atMs` (the last value set within a second wins). */
  setVUs(atMs: number, vus: number): void {
    if (atMs < 0) return;
    const t = Math.floor(atMs / 1000);
    if (t > this.emittedUpTo) this.bucket(t).vus = vus;
  }

  /** `count` arrivals the open-model executor could not serve (no free VU). */
  dropped(atMs: number, count = 1): void {
    if (atMs < 0) return;
    const t = Math.floor(atMs / 1000);
    if (t > this.emittedUpTo) this.bucket(t).dropped += count;
  }

  /**
   * `count` responses at `atMs` carried this app version / replica ('' = header absent).
   * For drivers whose version counts arrive apart from the outcome (k6's capbench_version counter).
   */
  countVersion(atMs: number, version: string, servedBy: string, count = 1): void {
    if (atMs < 0) return;
    const t = Math.floor(atMs / 1000);
    if (t <= this.emittedUpTo) {
      this.lateOutcomes++;
      return;
    }
    const b = this.bucket(t);
    if (version) b.versions[version] = (b.versions[version] ?? 0) + count;
    if (servedBy) b.servedBy[servedBy] = (b.servedBy[servedBy] ?? 0) + count;
  }

  /** Emit every second < t (also empty ones, so the timeline has no holes). */
  flushBefore(t: number): void {
    for (let s = this.emittedUpTo + 1; s < t; s++) {
      const b = this.open.get(s);
      this.open.delete(s);
      if (b && b.vus >= 0) this.emittedVUs = b.vus;
      this.emit({
        t: s,
        vus: this.emittedVUs,
        requests: b?.requests ?? 0,
        failures: b?.failures ?? 0,
        failuresByReason: b?.failuresByReason ?? {},
        histogram: b ? encodeHistogram(b.histogram) : '',
        servedBy: b?.servedBy ?? {},
        versions: b?.versions ?? {},
        ...(b && b.dropped > 0 ? { dropped: b.dropped } : {}),
      });
      this.emittedUpTo = s;
    }
  }

  /** Emit everything up to and including second `lastT` (end of load). */
  finish(lastT: number): void {
    this.flushBefore(Math.max(lastT + 1, this.maxT + 1, ...[...this.open.keys()].map((t) => t + 1)));
    this.starts?.finish(lastT);
  }
}
