/**
 * Synthetic saved runs in the exact store format (SeriesWriter + writeRunRecord), for the
 * report's tests, golden files and bench. Deterministic: the same options give the same
 * bytes. The series follow a simple capacity model (so charts look like real runs), and
 * their figures are whatever src/measure computes from them — tests compare against that.
 *
 * Regenerate the committed fixtures:  node --import tsx src/testing/report-fixtures.ts test/fixtures/runs
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { durationS as profileDurationS, profiles, scaleTime, targetAt, type Profile, type ScenarioName } from '../../scenarios/lib/index.ts';
import { computeFigures } from '../measure/figures.ts';
import { encodeHistogram, newHistogram, recordMs } from '../measure/histogram.ts';
import { RUN_SCHEMA_VERSION, type FaultWindow, type GeneratorHealthSecond, type LoadSecond, type PlatformEvent, type PlatformSecond, type RunRecord, type RunStatus, type TargetRun } from '../model/index.ts';
import { SeriesWriter, writeRunRecord } from '../store/run-store.ts';

export interface FixtureTarget {
  name: string;
  kind: TargetRun['kind'];
  /** skipped: no series at all (e.g. kind not installed) */
  status?: TargetRun['status'];
  error?: string;
  /** named in --target, or tried by --target auto; absent = as runs saved before the field */
  requestedBy?: TargetRun['requestedBy'];
  /** multiply every latency by this (tests: push p95 across a gate) */
  latencyFactor?: number;
  /** more platform events, e.g. one stamped before load start as old runs have them */
  extraEvents?: PlatformEvent[];
  /**
   * the generator's health: `healthy` (default) well inside every bound; `starved` its event
   * loop stalled (p99 > 50 ms) in `starvedShare` of the seconds (default 0.2); `none` no
   * health.ndjson, as runs saved before it existed
   */
  generator?: 'healthy' | 'starved' | 'none';
  starvedShare?: number;
  /** simulate the platform of this kind instead of `kind` (tests: a Compose target that behaves exactly as the Kubernetes one) */
  simulateAs?: TargetRun['kind'];
  /** with `repeat`: a further latency factor per repetition (default 1 each), so repetitions differ */
  latencyByRepetition?: number[];
  /** description.entry (default `L4: NodePort` for kubernetes, `L7: HAProxy` otherwise) */
  entry?: string;
}

export interface FixtureOptions {
  runId: string;
  scenario: ScenarioName;
  /** load duration; the scenario's profile is time-scaled to it */
  durationS: number;
  targets?: FixtureTarget[];
  status?: RunStatus;
  startedAt?: string;
  /** the command line the run records (default `capbench run <scenario> --quick`) */
  command?: string[];
  /** `--repeat`: every target this many times, as legs `<name>.rep<k>` (default 1: as single runs are saved) */
  repeat?: number;
}

export const DEFAULT_FIXTURE_TARGETS: FixtureTarget[] = [
  { name: 'compose', kind: 'compose' },
  { name: 'local-k8s', kind: 'kubernetes' },
];

/** VUs one replica serves before latency climbs. */
const CAPACITY_PER_REPLICA = 25;

interface Shape {
  load: LoadSecond[];
  platform: PlatformSecond[];
  events: PlatformEvent[];
  faults: FaultWindow[];
}

function histogramOf(latencies: number[]): string {
  const h = newHistogram();
  for (const l of latencies) recordMs(h, l);
  return encodeHistogram(h);
}

/** n latencies from lo to hi with a long-ish tail, deterministic. */
function spread(n: number, lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Math.round((lo + (hi - lo) * (n === 1 ? 0 : i / (n - 1)) ** 3) * 10) / 10);
  return out;
}

function simulate(p: Profile, total: number, t: FixtureTarget, endS: number): Shape {
  const k8s = (t.simulateAs ?? t.kind) === 'kubernetes';
  const factor = t.latencyFactor ?? 1;
  const load: LoadSecond[] = [];
  const platform: PlatformSecond[] = [];
  const events: PlatformEvent[] = [];
  const faults: FaultWindow[] = [];
  const fault = p.faults[0];
  const faultStartS = fault?.atS ?? Infinity;
  const faultEndS = fault ? fault.atS + (fault.kind === 'node-crash' ? fault.downS ?? 20 : Math.max(5, Math.round(total / 6))) : Infinity;
  if (fault) {
    faults.push({ kind: fault.kind, startMs: faultStartS * 1000, endMs: faultEndS * 1000, subject: fault.kind === 'node-crash' ? (k8s ? 'local-k8s-worker' : 'host') : 'app', detail: 'synthetic fixture' });
    events.push({ atMs: faultStartS * 1000, kind: 'fault-apply', subject: fault.kind });
    events.push({ atMs: faultEndS * 1000, kind: 'fault-recover', subject: fault.kind });
    if (fault.kind === 'rolling-update') {
      events.push({ atMs: faultStartS * 1000 + 200, kind: 'rollout-start', subject: 'app' });
      events.push({ atMs: faultEndS * 1000 - 100, kind: 'rollout-finish', subject: 'app' });
    }
    if (fault.kind === 'node-crash' && k8s) {
      events.push({ atMs: faultStartS * 1000 + 4000, kind: 'node-not-ready', subject: 'local-k8s-worker' });
      events.push({ atMs: faultEndS * 1000 + 3000, kind: 'node-ready', subject: 'local-k8s-worker' });
    }
  }
  let desired = k8s ? 2 : 1;
  let ready = desired;
  let hot = 0;
  const pendingReady: number[] = [];
  for (let s = 0; s < Math.min(total, endS); s++) {
    const vus = Math.round(targetAt(p.startVUs, p.stages, s));
    // platform: HPA-like scale-up with a reaction delay and a readiness lag
    if (k8s) {
      const u = vus / (ready * CAPACITY_PER_REPLICA);
      hot = u > 0.7 ? hot + 1 : 0;
      if (hot >= 3 && desired < 10) {
        const want = Math.min(10, Math.ceil(vus / (CAPACITY_PER_REPLICA * 0.7)));
        if (want > desired) {
          events.push({ atMs: s * 1000 + 300, kind: 'hpa-rescale', subject: 'app', detail: `${desired} → ${want}` });
          for (let i = desired; i < want; i++) pendingReady.push(s + 8 + (i - desired) * 2);
          desired = want;
        }
      }
      while (pendingReady.length && pendingReady[0]! <= s) {
        pendingReady.shift();
        ready++;
        events.push({ atMs: s * 1000 + 500, kind: 'pod-ready', subject: `app-${ready}` });
      }
    }
    const inFault = s >= faultStartS && s < faultEndS;
    let effReady = ready;
    let outage = 0; // share of requests refused outright
    let oldShare = 1;
    if (fault?.kind === 'node-crash' && inFault) {
      if (k8s) {
        effReady = s < faultStartS + 25 ? Math.max(1, Math.floor(ready / 2)) : ready;
        outage = s < faultStartS + 3 ? 0.7 : 0;
      } else {
        effReady = 0;
        outage = 1;
      }
    }
    if (fault?.kind === 'rolling-update') {
      if (s >= faultEndS) oldShare = 0;
      else if (inFault) {
        oldShare = k8s ? 1 - (s - faultStartS + 1) / (faultEndS - faultStartS) : 0;
        if (!k8s) outage = s < faultStartS + 4 ? 0.8 : 0;
      }
    }
    const u = vus / (Math.max(effReady, 0.5) * CAPACITY_PER_REPLICA);
    const hi = (u <= 1 ? 120 + 150 * u : 270 * u * u) * factor;
    const lo = 40 * factor;
    const requests = vus === 0 ? 0 : Math.max(1, Math.round((vus * 0.9) / (1 + hi / 2000)));
    const overload = u > 1.5 ? Math.min(0.9, (u - 1.5) * 0.3) : 0;
    const failures = Math.round(requests * Math.max(outage, overload));
    const latencies = outage === 1 ? spread(requests, 1, 3) : spread(requests, lo, hi);
    const ok = requests - failures;
    const v2 = Math.round(ok * (1 - oldShare));
    const versions: Record<string, number> = ok === 0 ? {} : fault?.kind === 'rolling-update' ? { ...(ok - v2 > 0 ? { '1.0.0': ok - v2 } : {}), ...(v2 > 0 ? { '1.1.0': v2 } : {}) } : { '1.0.0': ok };
    const failuresByReason: Record<string, number> = failures === 0 ? {} : outage === 1 ? { ECONNREFUSED: failures } : { status_503: failures };
    load.push({ t: s, vus, requests, failures, failuresByReason, histogram: histogramOf(latencies), servedBy: ok === 0 ? {} : { [`${t.name}-app-1`]: ok }, versions });
    const podsPerNode: Record<string, number> = k8s
      ? { 'local-k8s-control-plane': Math.floor(ready / 2), 'local-k8s-worker': fault?.kind === 'node-crash' && inFault ? 0 : Math.ceil(ready / 2) }
      : { host: effReady };
    platform.push({
      t: s,
      desiredReplicas: desired,
      runningReplicas: k8s ? desired : effReady,
      readyReplicas: effReady,
      ...(k8s ? { hpaDesiredReplicas: desired, hpaCpuPercent: Math.round(Math.min(200, u * 70)), updatedReplicas: effReady, availableReplicas: effReady } : {}),
      cpuCores: Math.round(Math.min(effReady, u * effReady) * 800) / 1000,
      podsPerNode,
      nodesReady: k8s ? (fault?.kind === 'node-crash' && s >= faultStartS + 4 && s < faultEndS + 3 ? 1 : 2) : 1,
      nodesTotal: k8s ? 2 : 1,
      ...(k8s && fault?.kind === 'node-crash' && s === faultStartS + 1 ? { gap: true } : {}),
    });
  }
  events.sort((a, b) => a.atMs - b.atMs);
  return { load, platform, events: events.filter((e) => e.atMs < endS * 1000), faults };
}

/** A generator-health series for the load seconds: inside every bound, or stalled in a share of them. */
function generatorHealth(load: readonly LoadSecond[], t: FixtureTarget): GeneratorHealthSecond[] {
  const how = t.generator ?? 'healthy';
  if (how === 'none') return [];
  // stalled seconds spread evenly: every k-th second
  const every = Math.max(1, Math.round(1 / (t.starvedShare ?? 0.2)));
  return load.map((s) => {
    const stalled = how === 'starved' && s.t % every === 0;
    return {
      t: s.t,
      spanMs: 1000,
      harnessCpuPercent: Math.min(60, Math.round(4 + s.requests / 20)),
      loopDelayP99Ms: stalled ? 180 : 1.5,
      loopDelayMaxMs: stalled ? 240 : 4,
      inFlight: Math.max(0, Math.round(s.vus / 3)),
      hostBusyPercent: Math.min(80, Math.round(15 + s.requests / 5)),
      hostStealPercent: 0,
    };
  });
}

/** The profile a fixture of `durationS` runs: the scenario's quick/full profile time-scaled. */
export function fixtureProfile(scenario: ScenarioName, durationS: number): Profile {
  const base = durationS > 300 ? profiles[scenario].full : profiles[scenario].quick;
  return scaleTime(base, durationS / profileDurationS(base));
}

/** Write a saved run to `<root>/<runId>`; returns the run directory. */
export function writeFixtureRun(root: string, o: FixtureOptions): string {
  const dir = resolve(join(root, o.runId));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const profile = fixtureProfile(o.scenario, o.durationS);
  const total = profileDurationS(profile);
  const status = o.status ?? 'completed';
  const endS = status === 'interrupted' ? Math.floor(total * 0.6) : total;
  const startedAt = o.startedAt ?? '2025-01-15T10:00:00.000Z';
  const targets: TargetRun[] = [];
  const repeat = o.repeat ?? 1;
  const legs = (o.targets ?? DEFAULT_FIXTURE_TARGETS).flatMap((t) => Array.from({ length: repeat }, (_, r) => ({ t: { ...t, latencyFactor: (t.latencyFactor ?? 1) * (t.latencyByRepetition?.[r] ?? 1) }, r })));
  for (const { t, r } of legs) {
    const leg = repeat === 1 ? t.name : `${t.name}.rep${r + 1}`;
    const tr: TargetRun = {
      ...(repeat === 1 ? {} : { leg, repetition: r }),
      name: t.name,
      kind: t.kind,
      status: t.status ?? (status === 'interrupted' ? 'interrupted' : 'completed'),
      ...(t.requestedBy === undefined ? {} : { requestedBy: t.requestedBy }),
      ...(t.error === undefined ? {} : { error: t.error }),
      description: { replicas: t.kind === 'kubernetes' ? 2 : 1, cpuLimitPerReplica: '500m', appVersion: '1.0.0', entry: t.entry ?? (t.kind === 'kubernetes' ? 'L4: NodePort' : 'L7: HAProxy') },
      versions: t.kind === 'kubernetes' ? { kubernetes: 'v1.31.0', node: 'kindest/node:v1.31.0' } : t.kind === 'compose' ? { docker: '27.3.1', compose: 'v2.29.7' } : {},
      faults: [],
      notes: [],
    };
    if (t.status === 'skipped' || t.status === 'failed') {
      targets.push(tr);
      continue;
    }
    const shape = simulate(profile, total, t, endS);
    const w = new SeriesWriter(dir, leg);
    for (const s of shape.load) w.load(s);
    for (const s of shape.platform) w.platform(s);
    for (const e of [...(t.extraEvents ?? []), ...shape.events].sort((a, b) => a.atMs - b.atMs)) w.event(e);
    for (const h of generatorHealth(shape.load, t)) w.health(h);
    tr.faults = shape.faults;
    tr.loadStartedAt = startedAt;
    tr.durationS = shape.load.length;
    tr.baseUrl = t.kind === 'kubernetes' ? 'http://127.0.0.1:30080' : 'http://127.0.0.1:8080';
    tr.figures = computeFigures({ load: shape.load, platform: shape.platform, faults: shape.faults, windows: profile.windows, slo: profile.slo });
    if (t.kind === 'compose' && o.scenario === 'node-crash') tr.notes.push('host crash simulated by stopping every container for the crash duration');
    targets.push(tr);
  }
  const record: RunRecord = {
    schema: RUN_SCHEMA_VERSION,
    runId: o.runId,
    scenario: o.scenario,
    variant: 'quick',
    model: 'closed',
    connections: profile.connections,
    driver: 'builtin',
    timeScale: 1,
    profile,
    status,
    startedAt,
    ...(status === 'interrupted' ? { reason: 'interrupted by SIGINT' } : { endedAt: new Date(Date.parse(startedAt) + (total + 20) * 1000).toISOString() }),
    machine: { cores: 8, memoryMB: 16384, cpuModel: 'Fixture CPU @ 3.0GHz', os: 'linux 6.8.0', hostname: 'fixture' },
    versions: { capbench: '0.1.0', node: 'v20.20.2', driver: 'builtin' },
    targets,
    command: o.command ?? ['capbench', 'run', o.scenario, '--quick'],
    ...(repeat === 1 ? {} : { repeat }),
  };
  writeRunRecord(dir, record);
  return dir;
}

/** The committed fixtures under test/fixtures/runs (kept < 200 KB together). */
export const COMMITTED_FIXTURES: FixtureOptions[] = [
  { runId: 'spike-60s', scenario: 'spike', durationS: 60 },
  { runId: 'spike-60s-interrupted', scenario: 'spike', durationS: 60, status: 'interrupted' },
  { runId: 'rolling-update-60s', scenario: 'rolling-update', durationS: 60 },
];

/**
 * What a new user's `npm run bench:spike` without Kubernetes saves: local and Compose ran,
 * the four Kubernetes targets `--target auto` tried were not usable (the reasons their probes
 * give), and one platform event stamped before load start, as runs before the clock fix have.
 */
export const NO_KUBERNETES_FIXTURE: FixtureOptions = {
  runId: 'spike-60s-no-kubernetes',
  scenario: 'spike',
  durationS: 60,
  command: ['capbench', 'run', 'spike', '--quick', '--target', 'auto'],
  targets: [
    { name: 'local', kind: 'local', requestedBy: 'auto' },
    { name: 'compose', kind: 'compose', requestedBy: 'auto', extraEvents: [{ atMs: -999_999_700, kind: 'replica-started', subject: 'capbench-api-1' }] },
    { name: 'local-k8s', kind: 'kubernetes', status: 'skipped', requestedBy: 'auto', error: 'local-k8s cluster is not running (API=down)' },
    { name: 'kind', kind: 'kubernetes', status: 'skipped', requestedBy: 'auto', error: 'kind is not installed' },
    { name: 'minikube', kind: 'kubernetes', status: 'skipped', requestedBy: 'auto', error: 'minikube is not installed' },
    { name: 'kubernetes', kind: 'kubernetes', status: 'skipped', requestedBy: 'auto', error: 'no kubeconfig context given' },
  ],
};

/** Made in a temp dir by the tests that need them (not committed, to keep the repo small). */
export const TEMP_FIXTURES: FixtureOptions[] = [
  { runId: 'node-crash-60s', scenario: 'node-crash', durationS: 60 },
  { runId: 'spike-60s-compose-only', scenario: 'spike', durationS: 60, targets: [{ name: 'compose', kind: 'compose' }, { name: 'kind', kind: 'kubernetes', status: 'skipped', error: 'kind is not installed' }] },
  NO_KUBERNETES_FIXTURE,
];

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const root = process.argv[2] ?? 'test/fixtures/runs';
  for (const f of COMMITTED_FIXTURES) console.log(writeFixtureRun(root, f));
}
