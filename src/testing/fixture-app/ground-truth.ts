/**
 * Test kit: the fixture app's ground truth — figures computed from its own request log,
 * independently of src/measure (which is what the tests judge, so it must not be used to
 * make the answers). Definitions follow DESIGN.md: success = a status in 200–399;
 * availability by the second a request *arrived*; throughput by the second it completed;
 * percentiles are exact (nearest-rank over every value, no histogram).
 */
import { nearestRank } from './latency-mix.ts';
import type { FixtureLogEntry, FixtureOutcome } from './fixture-config.ts';

export interface TruthSecond {
  /** second since the clock start (by arrival for started/succeeded/failed) */
  t: number;
  /** load requests that arrived in this second */
  started: number;
  /** of those, how many were answered with 200–399 */
  succeeded: number;
  /** of those, how many ended otherwise (error status, reset, client gave up) */
  failed: number;
  /** requests whose answer or end fell in this second, whenever they arrived */
  completed: number;
}

export interface TruthLatency {
  /** answered requests (status > 0) that arrived in the window */
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  meanMs: number | null;
  maxMs: number | null;
}

export interface TruthSummary {
  fromS: number;
  /** end of the window; null = open (up to the last second anything happened in) */
  toS: number | null;
  /** load requests that arrived in [fromS, toS) */
  requests: number;
  byOutcome: Partial<Record<FixtureOutcome, number>>;
  byStatus: Record<string, number>;
  /** answered requests per replica */
  servedBy: Record<string, number>;
  /** distinct TCP connections that carried the window's requests, and requests per connection (the window's only) */
  connectionsUsed: number;
  requestsPerConnection: { mean: number | null; min: number | null; max: number | null };
  perSecond: TruthSecond[];
  /** arrival → answer written, server side (queue + service), answered requests */
  latency: TruthLatency;
  /** the same over requests answered 200–399 only */
  okLatency: TruthLatency;
  /**
   * DESIGN.md's downtime, server side: a second is down when fewer than half of the
   * requests that arrived in it succeeded, or when none arrived or completed in it while a
   * request was pending (users waiting). Longest outage = longest unbroken run.
   */
  downtimeS: number;
  longestOutageS: number;
  downSeconds: number[];
}

export const isSuccess = (status: number): boolean => status >= 200 && status <= 399;

/** Exact latency figures of `ms` (any order). */
export function latencyOf(ms: readonly number[]): TruthLatency {
  const sorted = [...ms].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    count: n,
    p50Ms: nearestRank(sorted, 50),
    p95Ms: nearestRank(sorted, 95),
    p99Ms: nearestRank(sorted, 99),
    meanMs: n === 0 ? null : sorted.reduce((s, x) => s + x, 0) / n,
    maxMs: n === 0 ? null : sorted[n - 1]!,
  };
}

/**
 * Summary of the log over arrivals in [fromS, toS) (toS = Infinity: up to the last second
 * any request arrived or ended in). Pending requests count as started, not failed.
 */
export function summarize(log: readonly FixtureLogEntry[], fromS = 0, toS = Infinity): TruthSummary {
  const inWindow = log.filter((e) => e.atMs >= fromS * 1000 && e.atMs < toS * 1000);
  const lastS = Number.isFinite(toS)
    ? Math.ceil(toS) - 1
    : inWindow.reduce((m, e) => Math.max(m, Math.floor(Math.max(e.atMs, e.endMs ?? e.atMs) / 1000)), fromS - 1);
  const first = Math.floor(fromS);
  const span = Math.max(0, lastS - first + 1);
  const perSecond: TruthSecond[] = Array.from({ length: span }, (_, i) => ({ t: first + i, started: 0, succeeded: 0, failed: 0, completed: 0 }));
  const at = (t: number): TruthSecond | undefined => perSecond[t - first];
  // pending[t] > 0 ⇔ some request was waiting for its answer during second t (difference array)
  const pendingDiff = new Array<number>(span + 1).fill(0);
  const byOutcome: Partial<Record<FixtureOutcome, number>> = {};
  const byStatus: Record<string, number> = {};
  const servedBy: Record<string, number> = {};
  const perConnection = new Map<number, number>();
  const answered: number[] = [];
  const ok: number[] = [];
  for (const e of log) {
    if (e.endMs !== null) {
      const c = at(Math.floor(e.endMs / 1000));
      if (c) c.completed++;
    }
  }
  for (const e of inWindow) {
    const s = at(Math.floor(e.atMs / 1000))!;
    s.started++;
    if (isSuccess(e.status)) s.succeeded++;
    else if (e.outcome !== 'pending') s.failed++;
    byOutcome[e.outcome] = (byOutcome[e.outcome] ?? 0) + 1;
    perConnection.set(e.connection, (perConnection.get(e.connection) ?? 0) + 1);
    byStatus[String(e.status)] = (byStatus[String(e.status)] ?? 0) + 1;
    if (e.status > 0 && e.endMs !== null) {
      answered.push(e.endMs - e.atMs);
      if (isSuccess(e.status)) ok.push(e.endMs - e.atMs);
      if (e.replica !== null) servedBy[e.replica] = (servedBy[e.replica] ?? 0) + 1;
    }
    const from = Math.max(0, Math.floor(e.atMs / 1000) - first);
    const to = e.endMs === null ? span : Math.min(span, Math.floor(e.endMs / 1000) - first + 1);
    if (from < to) {
      pendingDiff[from]!++;
      pendingDiff[to]!--;
    }
  }
  const downSeconds: number[] = [];
  let pending = 0;
  let run = 0;
  let longest = 0;
  perSecond.forEach((s, i) => {
    pending += pendingDiff[i]!;
    const down = s.started > 0 ? s.succeeded * 2 < s.started : s.completed === 0 && pending > 0;
    if (down) {
      downSeconds.push(s.t);
      run++;
      longest = Math.max(longest, run);
    } else {
      run = 0;
    }
  });
  return {
    fromS,
    toS: Number.isFinite(toS) ? toS : null,
    requests: inWindow.length,
    byOutcome,
    byStatus,
    servedBy,
    connectionsUsed: perConnection.size,
    requestsPerConnection: spreadOf([...perConnection.values()]),
    perSecond,
    latency: latencyOf(answered),
    okLatency: latencyOf(ok),
    downtimeS: downSeconds.length,
    longestOutageS: longest,
    downSeconds,
  };
}

/** Connections the app accepted and how many load requests each carried. */
export interface TruthConnections {
  /** TCP connections accepted since the last reset (count of 'connection' events) */
  accepted: number;
  /** connections open now */
  open: number;
  /** connections (accepted since the reset, or open at it) that carried ≥ 1 load request */
  withRequests: number;
  /** load requests per connection over `withRequests` connections */
  requestsPerConnection: { mean: number | null; min: number | null; max: number | null };
}

/** Mean, min and max of counts (null when none). */
function spreadOf(counts: readonly number[]): { mean: number | null; min: number | null; max: number | null } {
  if (counts.length === 0) return { mean: null, min: null, max: null };
  return {
    mean: counts.reduce((s, x) => s + x, 0) / counts.length,
    min: counts.reduce((m, x) => Math.min(m, x), Infinity),
    max: counts.reduce((m, x) => Math.max(m, x), 0),
  };
}

/** Connection figures from per-connection request counts. */
export function connectionsOf(accepted: number, open: number, requestCounts: readonly number[]): TruthConnections {
  const used = requestCounts.filter((n) => n > 0);
  return { accepted, open, withRequests: used.length, requestsPerConnection: spreadOf(used) };
}
