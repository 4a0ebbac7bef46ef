/**
 * Test kit: what the fixture app can be told (its configuration and fault script), what it
 * logs per request, and the messages the kit and the app process exchange over the child's
 * IPC channel. Shared by both sides, so they never disagree.
 */
import { HarnessError } from '../../model/index.ts';
import { defaultMix, validateMix, type LatencyMix } from './latency-mix.ts';

export type FixtureFaultKind = '503' | 'stall';

/**
 * One scripted fault, relative to the app's clock start (`FixtureApp.start`): every load
 * request that *arrives* in [startS, startS + lengthS) is affected. `503` answers 503 at
 * once (no queueing). `stall` accepts the request and never answers; at the window's end
 * the app destroys those requests' connections (as when a dead node comes back: the client
 * sees a reset), unless the client gave up first. Requests that arrived before the window
 * are served as usual.
 */
export interface FixtureFault {
  kind: FixtureFaultKind;
  startS: number;
  lengthS: number;
}

export interface FixtureConfig {
  /** logical replicas in the process, 1…32; load requests go to them round-robin */
  replicas: number;
  /**
   * requests one replica serves at once; beyond that a replica queues FIFO. Capacity is
   * replicas × concurrency × 1000 / (mean service ms × latencyFactor) requests/s. Set it
   * above the load's concurrency for a pure latency mix without queueing.
   */
  concurrency: number;
  /** service times; each replica walks the mix's cycle with its own request counter */
  mix: LatencyMix;
  /** multiplies every service time (2 = twice as slow, half the capacity) */
  latencyFactor: number;
  /** scripted faults, non-overlapping, relative to the clock start */
  faults: readonly FixtureFault[];
  /** `x-app-version` of every response */
  appVersion: string;
  /** ms a replica added by scaling up takes before it gets traffic (0 = at once) */
  replicaStartupMs: number;
}

export const MAX_REPLICAS = 32;

export const defaultFixtureConfig: FixtureConfig = {
  replicas: 1,
  concurrency: 1,
  mix: defaultMix,
  latencyFactor: 1,
  faults: [],
  appVersion: 'v1',
  replicaStartupMs: 0,
};

/** Throws HarnessError (usage) naming the first bad field of `c` (a whole config). */
export function validateFixtureConfig(c: FixtureConfig, where = 'fixture app'): void {
  const bad = (what: string, expected: string, got: unknown): never => {
    throw new HarnessError(`${where}: ${what} must be ${expected} (got ${JSON.stringify(got)})`, { code: 'usage', hint: 'see src/testing/fixture-app/fixture-config.ts for every option' });
  };
  const int = (n: unknown, lo: number, hi: number): boolean => typeof n === 'number' && Number.isInteger(n) && n >= lo && n <= hi;
  if (!int(c.replicas, 1, MAX_REPLICAS)) bad('replicas', `an integer 1…${MAX_REPLICAS}`, c.replicas);
  if (!int(c.concurrency, 1, 100_000)) bad('concurrency', 'an integer 1…100000', c.concurrency);
  validateMix(c.mix, where);
  if (!(typeof c.latencyFactor === 'number' && c.latencyFactor > 0 && c.latencyFactor <= 100)) bad('latencyFactor', 'a number in (0, 100]', c.latencyFactor);
  if (typeof c.appVersion !== 'string' || c.appVersion === '') bad('appVersion', 'a non-empty string', c.appVersion);
  if (!(typeof c.replicaStartupMs === 'number' && c.replicaStartupMs >= 0 && c.replicaStartupMs <= 600_000)) bad('replicaStartupMs', 'a number of ms in [0, 600000]', c.replicaStartupMs);
  if (!Array.isArray(c.faults)) bad('faults', 'a list of { kind, startS, lengthS }', c.faults);
  const sorted = [...c.faults].sort((a, b) => a.startS - b.startS);
  c.faults.forEach((f, i) => {
    if (f.kind !== '503' && f.kind !== 'stall') bad(`faults[${i}].kind`, '"503" or "stall"', f.kind);
    if (!(typeof f.startS === 'number' && Number.isFinite(f.startS) && f.startS >= 0)) bad(`faults[${i}].startS`, 'a non-negative number of seconds', f.startS);
    if (!(typeof f.lengthS === 'number' && Number.isFinite(f.lengthS) && f.lengthS > 0)) bad(`faults[${i}].lengthS`, 'a positive number of seconds', f.lengthS);
  });
  sorted.forEach((f, i) => {
    const prev = sorted[i - 1];
    if (prev && f.startS < prev.startS + prev.lengthS) bad('faults', 'non-overlapping windows', [prev, f]);
  });
}

/** `base` with `patch` applied, validated. */
export function mergeFixtureConfig(base: FixtureConfig, patch: Partial<FixtureConfig>, where?: string): FixtureConfig {
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<FixtureConfig>;
  const c = { ...base, ...defined };
  validateFixtureConfig(c, where);
  return c;
}

/** How one load request ended, as the app saw it. */
export type FixtureOutcome =
  /** answered by a replica after queue + service time */
  | 'served'
  /** answered 503 by a scripted (or node-crash) 503 window */
  | 'fault-503'
  /** stalled, then its connection was destroyed when the stall window ended */
  | 'stall-reset'
  /** the client closed the connection before an answer was written (gave up) */
  | 'client-closed'
  /** answered 503 because no replica was ready (all starting) */
  | 'no-replica'
  /** no answer yet when the log was read */
  | 'pending';

/** One load request in the app's log. Times are ms since the clock start (negative before it). */
export interface FixtureLogEntry {
  /** arrival order since the last reset, from 0 */
  seq: number;
  path: string;
  /** when the request's headers arrived */
  atMs: number;
  /** when the answer was written, or the connection destroyed/closed; null while pending */
  endMs: number | null;
  /** HTTP status written; 0 = none */
  status: number;
  outcome: FixtureOutcome;
  /** replica it was routed to (also for fault answers); null when none was ready */
  replica: string | null;
  /** id of the TCP connection it came on (1, 2, … in accept order since the process started) */
  connection: number;
  /** scripted service time incl. the factor; null when not served */
  serviceMs: number | null;
  /** scheduled wait in the replica's queue before service; null when not served */
  queueMs: number | null;
  fault: FixtureFaultKind | null;
}

/** A fault window as it happened, ms since the clock start (endMs null = still open). */
export interface FixtureFaultWindow {
  kind: FixtureFaultKind;
  startMs: number;
  endMs: number | null;
  /** scripted, or started by `faultNow` (the target's node-crash) */
  source: 'script' | 'now';
}

/** What the app reports about itself right now (`FixtureApp.state`). */
export interface FixtureState {
  desiredReplicas: number;
  readyReplicas: number;
  /** a fault window is open (ready replicas then count as 0) */
  fault: FixtureFaultKind | null;
  /** the clock has started (t0 known) */
  started: boolean;
  /** ms since the clock start, or since the last reset when not started */
  nowMs: number;
  /** load requests waiting in a queue or in service (stalled ones not included) */
  inFlight: number;
  stalled: number;
  /** TCP connections open now */
  openConnections: number;
}

/** Requests from the kit to the app process, each answered by a FixtureReply with the same id. */
export type FixtureRequest =
  /** `immediate`: replicas this call adds are ready at once (the initial configuration), not after replicaStartupMs */
  | { id: number; op: 'configure'; patch: Partial<FixtureConfig>; immediate?: boolean }
  | { id: number; op: 'start'; on: 'call' | 'first-request'; atEpochMs?: number }
  | { id: number; op: 'reset' }
  | { id: number; op: 'state' }
  | { id: number; op: 'stats'; fromS?: number; toS?: number }
  | { id: number; op: 'writeLog'; file: string }
  | { id: number; op: 'faultNow'; kind: FixtureFaultKind }
  | { id: number; op: 'faultEnd' }
  | { id: number; op: 'stop' };

export type FixtureReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** The app process's first message once it listens. */
export interface FixtureHello {
  hello: 'fixture-app';
  port: number;
  pid: number;
}
