/**
 * Synthetic saved capacity runs (issue 12) in the store format, for the report's tests and
 * screenshots. Built from src/model/capacity.ts with a toy model — every replica serves
 * SYNTHETIC_RPS_PER_REPLICA before queueing, p95 climbs steeply past it, a fixed load-generator
 * limit for the `floor` shape — so the curves look like real ones. These are not
 * measurements: tests assert on what the report renders from whatever this writes.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeHistogram, newHistogram, recordMs } from '../measure/histogram.ts';
import { RUN_SCHEMA_VERSION, type CapacityStep, type GeneratorHealthSecond, type LoadSecond, type PlatformSecond, type ProbeStop, type ReplicaCapacity, type RunRecord, type TargetCapacity, type TargetRun } from '../model/index.ts';
import { SeriesWriter, writeRunRecord } from '../store/run-store.ts';

/** What each replica of the toy app carries before its queue grows, req/s (synthetic). */
export const SYNTHETIC_RPS_PER_REPLICA = 40;
/** The toy generator's limit for the `floor` and `generator-only` shapes, req/s (synthetic). */
const GENERATOR_LIMIT_RPS = 100;

/**
 * normal: climbs to the knee, breaks the SLO twice · floor: the generator gives out past the
 * knee (capacity is a floor) · no-slo: even the first step misses the SLO · generator-only:
 * every step generator-bound · scale-failed: scaling to the count failed, no step
 */
export type ReplicaShape = 'normal' | 'floor' | 'no-slo' | 'generator-only' | 'scale-failed';

export interface CapacityFixtureTarget {
  name: string;
  kind: TargetRun['kind'];
  /** the toy app's req/s per replica on this target (default SYNTHETIC_RPS_PER_REPLICA) */
  rpsPerReplica?: number;
  /** the target failed before any step (no capacity saved): its error */
  failed?: string;
  replicas: Array<{ replicas: number; shape?: ReplicaShape }>;
}

export interface CapacityFixtureOptions {
  runId: string;
  targets: CapacityFixtureTarget[];
  command?: string[];
}

const SETTINGS = { stepS: 20, settleS: 5, growth: 1.25, startRps: 10, capRps: 400, errorCeiling: 0.2, slo: { p95Ms: 1000, errorRate: 0.01 } };
/** seconds between replica counts (scale, wait ready, settle) */
const GAP_S = 10;

const r2 = (x: number): number => Math.round(x * 100) / 100;

/** The toy app at utilisation u: p95 (ms), error rate. */
function appAt(u: number, slow: number): { p95Ms: number; errorRate: number } {
  const p95Ms = (u < 1 ? 40 + 500 * u ** 6 : 540 * u ** 8) * slow;
  return { p95Ms: r2(p95Ms), errorRate: u > 1.3 ? r2(Math.min(0.5, (u - 1.3) * 0.5)) : 0 };
}

function probe(replicas: number, shape: ReplicaShape, startS: number, perReplica: number): ReplicaCapacity {
  if (shape === 'scale-failed') {
    return { replicas, steps: [], stoppedBy: 'failed', capacityAtSloRps: null, capacityIsLowerBound: false, saturationRps: null, cpuMsPerRequest: null, kneeStepIndex: null, error: `deployment "capbench-app" exceeded its progress deadline: ${replicas - 1}/${replicas} replicas available` };
  }
  const k = perReplica * replicas;
  const slow = shape === 'no-slo' ? 40 : 1;
  const steps: CapacityStep[] = [];
  let stoppedBy: ProbeStop = 'rate-cap';
  let broken = 0;
  let genBound = 0;
  for (let i = 0, offered = SETTINGS.startRps; offered <= SETTINGS.capRps; i++, offered = r2(offered * SETTINGS.growth)) {
    const u = offered / k;
    const app = appAt(u, slow);
    const bound = shape === 'generator-only' || (shape === 'floor' && offered > GENERATOR_LIMIT_RPS) ? 'generator' : 'app';
    const served = Math.min(offered, k * 1.02);
    const measuredS = SETTINGS.stepS - SETTINGS.settleS;
    const requests = Math.round(served * measuredS);
    const failures = Math.round(requests * app.errorRate);
    const meetsSlo = app.p95Ms <= SETTINGS.slo.p95Ms && app.errorRate <= SETTINGS.slo.errorRate;
    const s0 = startS + i * SETTINGS.stepS;
    steps.push({
      index: i, startS: s0, endS: s0 + SETTINGS.stepS, settleS: SETTINGS.settleS, offeredRps: offered, achievedRps: r2((requests - failures) / measuredS),
      requests, failures, errorRate: app.errorRate, dropped: bound === 'generator' ? Math.round(Math.max(offered * 0.2, offered - GENERATOR_LIMIT_RPS * 0.9) * measuredS) : 0,
      p50Ms: r2(app.p95Ms * 0.45), p95Ms: app.p95Ms, p99Ms: r2(app.p95Ms * 1.6), cpuPercentPerReplica: r2(Math.min(95, (90 * served) / k)),
      meetsSlo, bound, generatorBoundS: bound === 'generator' ? measuredS : 0, hostBoundS: 0,
    });
    if (bound === 'generator' && ++genBound === 2) { stoppedBy = 'generator-bound'; break; }
    if (app.errorRate > SETTINGS.errorCeiling) { stoppedBy = 'error-ceiling'; break; }
    broken = meetsSlo ? 0 : broken + 1;
    if (broken === 2) { stoppedBy = 'slo-broken-twice'; break; }
  }
  const app = steps.filter((s) => s.bound === 'app');
  const knee = [...app].reverse().find((s) => s.meetsSlo && app.slice(0, app.indexOf(s) + 1).every((x) => x.meetsSlo)) ?? null;
  const next = knee === null ? undefined : steps.find((s) => s.index > knee.index && (!s.meetsSlo || s.bound !== 'app'));
  let capacity: number | null = knee?.achievedRps ?? null;
  if (knee && next && next.bound === 'app' && next.p95Ms !== null && knee.p95Ms !== null && next.p95Ms > knee.p95Ms) {
    capacity = r2(knee.achievedRps + ((SETTINGS.slo.p95Ms - knee.p95Ms) * (next.achievedRps - knee.achievedRps)) / (next.p95Ms - knee.p95Ms));
  }
  // toy plateau: the app stopped taking more (it broke the SLO or the error ceiling) — its best achieved rate
  const plateau = (stoppedBy === 'slo-broken-twice' || stoppedBy === 'error-ceiling') && knee !== null;
  return {
    replicas, steps, stoppedBy, capacityAtSloRps: capacity, capacityIsLowerBound: capacity !== null && next !== undefined && next.bound !== 'app',
    saturationRps: plateau ? Math.max(...app.map((s) => s.achievedRps)) : null,
    cpuMsPerRequest: knee && knee.cpuPercentPerReplica !== null ? r2((knee.cpuPercentPerReplica * 10 * replicas) / knee.achievedRps) : null,
    kneeStepIndex: knee?.index ?? null,
  };
}

/** n latencies whose p50/p95/p99 sit near the given ones (display series only). */
function latencies(n: number, s: CapacityStep): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const q = n === 1 ? 0.5 : i / (n - 1);
    const v = q <= 0.5 ? s.p50Ms! * (0.5 + q) : q <= 0.95 ? s.p50Ms! + ((s.p95Ms! - s.p50Ms!) * (q - 0.5)) / 0.45 : s.p95Ms! + ((s.p99Ms! - s.p95Ms!) * (q - 0.95)) / 0.04;
    out.push(Math.max(1, Math.round(v * 10) / 10));
  }
  return out;
}

function writeSeries(w: SeriesWriter, name: string, c: TargetCapacity): void {
  for (const r of c.byReplicas) {
    for (const s of r.steps) {
      for (let t = s.startS; t < s.endS; t++) {
        const requests = Math.round(s.requests / (s.endS - s.startS - s.settleS));
        const failures = Math.round(requests * s.errorRate);
        const h = newHistogram();
        if (s.p50Ms !== null) for (const l of latencies(requests, s)) recordMs(h, l);
        const load: LoadSecond = { t, vus: Math.ceil((s.offeredRps * (s.p50Ms ?? 100)) / 1000), requests, failures, failuresByReason: failures ? { status_503: failures } : {}, histogram: encodeHistogram(h), servedBy: { [`${name}-app-1`]: requests - failures }, versions: { '1.0.0': requests - failures }, dropped: Math.round(s.dropped / (s.endS - s.startS - s.settleS)) };
        w.load(load);
        const platform: PlatformSecond = { t, desiredReplicas: r.replicas, runningReplicas: r.replicas, readyReplicas: r.replicas, cpuCores: r2(((s.cpuPercentPerReplica ?? 0) * r.replicas) / 100) };
        w.platform(platform);
        const gen = s.bound === 'generator';
        const health: GeneratorHealthSecond = { t, spanMs: 1000, harnessCpuPercent: gen ? 98 : Math.min(60, Math.round(5 + requests / 4)), loopDelayP99Ms: gen ? 120 : 2, loopDelayMaxMs: gen ? 160 : 5, inFlight: Math.round(requests / 10), hostBusyPercent: gen ? 90 : Math.min(85, Math.round(20 + requests / 3)), hostStealPercent: 0 };
        w.health(health);
      }
    }
  }
}

/** Write a saved capacity run to `<root>/<runId>`; returns the run directory. */
export function writeCapacityFixtureRun(root: string, o: CapacityFixtureOptions): string {
  const dir = resolve(join(root, o.runId));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const startedAt = '2025-01-15T10:00:00.000Z';
  const targets: TargetRun[] = o.targets.map((t): TargetRun => {
    if (t.failed !== undefined) return { name: t.name, kind: t.kind, status: 'failed', requestedBy: 'name', error: t.failed, description: {}, versions: {}, faults: [], notes: [] };
    let at = 0;
    const byReplicas = t.replicas.map((r) => {
      const rc = probe(r.replicas, r.shape ?? 'normal', at, t.rpsPerReplica ?? SYNTHETIC_RPS_PER_REPLICA);
      at = (rc.steps.at(-1)?.endS ?? at) + GAP_S;
      return rc;
    });
    const capacity: TargetCapacity = { ...SETTINGS, slo: { ...SETTINGS.slo }, byReplicas };
    writeSeries(new SeriesWriter(dir, t.name), t.name, capacity);
    return {
      name: t.name, kind: t.kind, status: 'completed', requestedBy: 'name', description: { cpuLimitPerReplica: '500m', appVersion: '1.0.0' },
      versions: t.kind === 'kubernetes' ? { kubernetes: 'v1.31.0' } : t.kind === 'compose' ? { docker: '27.3.1', compose: 'v2.29.7' } : {},
      loadStartedAt: startedAt, durationS: at, faults: [], capacity, notes: [],
    };
  });
  const record: RunRecord = {
    schema: RUN_SCHEMA_VERSION, runId: o.runId, scenario: 'capacity', variant: 'quick', model: 'open', driver: 'builtin', timeScale: 1,
    profile: { name: 'capacity', slo: { ...SETTINGS.slo }, windows: [], stepS: SETTINGS.stepS, settleS: SETTINGS.settleS, growth: SETTINGS.growth, startRps: SETTINGS.startRps, capRps: SETTINGS.capRps },
    status: 'completed', startedAt, endedAt: '2025-01-15T10:20:00.000Z',
    machine: { cores: 8, memoryMB: 16384, cpuModel: 'Fixture CPU @ 3.0GHz', os: 'linux 6.8.0', hostname: 'fixture' },
    versions: { capbench: '0.1.0', node: 'v20.20.2', driver: 'builtin' },
    targets,
    command: o.command ?? ['capbench', 'run', 'capacity', '--target', o.targets.map((t) => t.name).join(','), '--replicas', [...new Set(o.targets.flatMap((t) => t.replicas.map((r) => r.replicas)))].join(','), '--quick'],
  };
  writeRunRecord(dir, record);
  return dir;
}

/** Two targets, three replica counts: a knee on each, a floor (generator gave out) on compose × 3, scaling failed on local-k8s × 3. */
export const CAPACITY_FIXTURE: CapacityFixtureOptions = {
  runId: 'capacity-synthetic',
  targets: [
    { name: 'compose', kind: 'compose', replicas: [{ replicas: 1 }, { replicas: 2 }, { replicas: 3, shape: 'floor' }] },
    { name: 'local-k8s', kind: 'kubernetes', rpsPerReplica: 33, replicas: [{ replicas: 1 }, { replicas: 2 }, { replicas: 3, shape: 'scale-failed' }] },
  ],
};

/** The cases without a figure, and a single replica count: each must read as a sentence. */
export const CAPACITY_EDGE_FIXTURE: CapacityFixtureOptions = {
  runId: 'capacity-edges',
  targets: [
    { name: 'compose', kind: 'compose', replicas: [{ replicas: 2, shape: 'no-slo' }] },
    { name: 'local', kind: 'local', replicas: [{ replicas: 1, shape: 'generator-only' }] },
    { name: 'local-k8s', kind: 'kubernetes', replicas: [{ replicas: 1, shape: 'scale-failed' }] },
    { name: 'kind', kind: 'kubernetes', replicas: [], failed: 'kind: the cluster must be running (got no node Ready after 120 s)' },
  ],
};
