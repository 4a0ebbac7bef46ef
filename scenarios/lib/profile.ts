/**
 * Scenario profiles: plain data shared by k6 (scenarios/*.ts) and the harness (src/scenario).
 * No imports from k6 or Node here — both runtimes load this file as it is.
 * Durations are seconds, latencies milliseconds.
 */

import { ladderStages, scaleLadder, type CapacityLadder } from './ladder.ts';

export type ScenarioName = 'spike' | 'node-crash' | 'rolling-update' | 'capacity';
export type Variant = 'full' | 'quick';
/** closed = ramping virtual users (k6 ramping-vus); open = ramping arrival rate (k6 ramping-arrival-rate). */
export type LoadModel = 'closed' | 'open';

/**
 * How users hold TCP connections. per-vu: each virtual user keeps one keep-alive connection
 * for the whole run (a few long-lived clients). per-iteration: every iteration — one user's
 * visit — opens its own connection (distinct users arriving; k6 `noVUConnectionReuse`).
 * An L4 balancer (kube-proxy behind a NodePort) picks a pod per connection, so per-vu hides
 * what users arriving during a fault get.
 */
export type ConnectionModel = 'per-vu' | 'per-iteration';
export const connectionModels: readonly ConnectionModel[] = ['per-vu', 'per-iteration'];

/** How a connection model reads in progress lines and the report. */
export function connectionsText(c: ConnectionModel): string {
  return c === 'per-vu' ? 'one kept-alive connection per VU' : 'a new connection per iteration';
}

/** One stage: move linearly to `target` VUs (closed) or requests/s (open) over `durationS`. */
export interface Stage {
  durationS: number;
  target: number;
}

export interface RequestKind {
  /** request name, used as k6's `name` tag and in the report */
  name: string;
  method: 'GET';
  /** path (and query) appended to BASE_URL */
  path: string;
  /** relative weight in the mix */
  weight: number;
}

/** A named span of the load timeline over which figures are computed. */
export interface MeasurementWindow {
  name: string;
  startS: number;
  endS: number;
}

export interface FaultSchedule {
  kind: 'node-crash' | 'rolling-update';
  /** seconds after load start */
  atS: number;
  /** node-crash: seconds the node stays down before the harness restores it */
  downS?: number;
}

export interface Slo {
  /** p95 latency limit, ms */
  p95Ms: number;
  /** failed-request share limit, 0..1 */
  errorRate: number;
}

export interface Profile {
  scenario: ScenarioName;
  variant: Variant;
  description: string;
  /** closed-model stages (virtual users) */
  startVUs: number;
  stages: Stage[];
  /** open-model stages (requests per second), same shape in time as `stages` */
  startRate: number;
  rateStages: Stage[];
  /** upper bound of concurrent requests for the open model */
  maxVUs: number;
  /** seconds of light load before t=0, discarded from every figure */
  warmupS: number;
  warmupVUs: number;
  requests: RequestKind[];
  /** think time between a VU's requests, ms, uniform in [min, max] */
  thinkTimeMs: { min: number; max: number };
  /** a request without a response within this is failed (reason `timeout`) */
  timeoutMs: number;
  /** the scenario's default connection model (`--connections` overrides it); see ConnectionModel */
  connections: ConnectionModel;
  slo: Slo;
  windows: MeasurementWindow[];
  faults: FaultSchedule[];
  /** HPA tuning that goes with this profile (Kubernetes targets) */
  hpa: { scaleUpStabilizationS: number; scaleDownStabilizationS: number };
  /** the capacity scenario only: the step ladder its rateStages are built from */
  capacity?: CapacityLadder;
}

/** Total load duration in seconds (sum of stages). */
export function durationS(p: Pick<Profile, 'stages'>): number {
  return p.stages.reduce((s, st) => s + st.durationS, 0);
}

/** VU target at second `t` by linear interpolation over the stages (what k6's ramping-vus does). */
export function targetAt(start: number, stages: readonly Stage[], tS: number): number {
  let from = start;
  let at = 0;
  for (const st of stages) {
    if (tS < at + st.durationS) {
      const f = st.durationS === 0 ? 1 : (tS - at) / st.durationS;
      return from + (st.target - from) * f;
    }
    at += st.durationS;
    from = st.target;
  }
  return from;
}

/**
 * Scale every duration of a profile by `factor` (tests: a quick profile made quicker). A
 * capacity ladder is rebuilt from its scaled step length, so every step keeps one length.
 */
export function scaleTime(p: Profile, factor: number): Profile {
  const s = (x: number): number => Math.max(1, Math.round(x * factor));
  if (p.capacity) {
    const capacity = scaleLadder(p.capacity, factor);
    const rateStages = ladderStages(capacity);
    const totalS = rateStages.reduce((sum, st) => sum + st.durationS, 0);
    return { ...p, capacity, rateStages, stages: [{ durationS: totalS, target: p.stages[0]?.target ?? 1 }], warmupS: s(p.warmupS) };
  }
  return {
    ...p,
    stages: p.stages.map((st) => ({ ...st, durationS: s(st.durationS) })),
    rateStages: p.rateStages.map((st) => ({ ...st, durationS: s(st.durationS) })),
    warmupS: s(p.warmupS),
    windows: p.windows.map((w) => ({ ...w, startS: Math.round(w.startS * factor), endS: Math.max(Math.round(w.startS * factor) + 1, Math.round(w.endS * factor)) })),
    faults: p.faults.map((f) => ({ ...f, atS: s(f.atS), ...(f.downS === undefined ? {} : { downS: s(f.downS) }) })),
  };
}

/** The request mix shared by every scenario: mostly the expensive call, some cheap ones. */
export const requestMix: RequestKind[] = [
  { name: 'work', method: 'GET', path: '/work', weight: 85 },
  { name: 'light', method: 'GET', path: '/light', weight: 15 },
];

/** What every profile shares: request mix, think time, timeout, warm-up users, HPA tuning per variant. */
export function commonProfile(variant: Variant): Pick<Profile, 'warmupS' | 'warmupVUs' | 'requests' | 'thinkTimeMs' | 'timeoutMs' | 'slo' | 'hpa'> {
  return {
    warmupS: variant === 'full' ? 30 : 10,
    warmupVUs: 5,
    requests: requestMix,
    thinkTimeMs: { min: 800, max: 1200 },
    timeoutMs: 10_000,
    slo: defaultSlo,
    hpa: variant === 'full'
      ? { scaleUpStabilizationS: 0, scaleDownStabilizationS: 300 }
      : { scaleUpStabilizationS: 0, scaleDownStabilizationS: 30 },
  };
}

/** Service-level objective every scenario is judged against (p95 ≤ 1 s, ≤ 1 % failed). */
export const defaultSlo: Slo = { p95Ms: 1000, errorRate: 0.01 };

/** Windows follow the stages: cumulative boundaries named in order. */
export function windowsFromStages(stages: readonly Stage[], names: readonly (string | null)[]): MeasurementWindow[] {
  const out: MeasurementWindow[] = [];
  let at = 0;
  stages.forEach((st, i) => {
    const name = names[i];
    const last = out[out.length - 1];
    if (name === null || name === undefined) {
      if (last) last.endS = at + st.durationS;
    } else if (last && last.name === name) {
      last.endS = at + st.durationS;
    } else {
      out.push({ name, startS: at, endS: at + st.durationS });
    }
    at += st.durationS;
  });
  return out;
}

/** Weighted choice of a request kind; `r` uniform in [0, 1). Shared by k6 and the builtin driver. */
export function pickRequest(requests: readonly RequestKind[], r: number): RequestKind {
  const total = requests.reduce((s, q) => s + q.weight, 0);
  let x = r * total;
  for (const q of requests) {
    x -= q.weight;
    if (x < 0) return q;
  }
  const last = requests[requests.length - 1];
  if (last === undefined) throw new Error('profile.requests must not be empty');
  return last;
}
