/**
 * The capacity plan: for each user count, how many replicas each target needs, and what that
 * takes in Kubernetes nodes or a Compose host — computed from measured capacity runs.
 * Pure: saved run records in, a `CapacityPlan` out (src/plan/plan-files.ts writes it).
 *
 * The model, in order (README "Capacity plan"):
 *  1. the USL (usl-model.ts) fitted per target to capacity at SLO over the probed replica
 *     counts, with a bootstrap band (usl-band.ts);
 *  2. users → requests/s by Little's law over the user cycle (users-to-rate.ts), think time
 *     from the spike profile, response time the knee's measured p50 (or `responseMs`);
 *  3. replicas: the smallest N whose band's LOWER end carries the load × (1 + headroom);
 *  4. nodes: pods per node from the pod's CPU/memory and the node size, plus one node of
 *     spare so losing a node keeps N pods; Compose: one host, CPU of N replicas + balancer.
 */
import { HarnessError, mustBe, type ReplicaCapacity, type RunRecord, type TargetCapacity } from '../model/index.ts';
import type { AutoscalerPlan, CapacityPlan, HpaSettings, PlanOptions, PlanReach, PlanRow, TargetModel } from '../model/plan.ts';
import { spikeFull } from '../../scenarios/lib/spike.ts';
import { fitUslWithBand, type UslFitWithBand } from './usl-band.ts';
import { uslThroughput } from './usl-model.ts';
import { meanThinkTimeMs, usersToRequestRate } from './users-to-rate.ts';
import { planAutoscaler } from './autoscaler-plan.ts';
import type { SpikeEvidence } from './spike-evidence.ts';
import { floorNote, holdOutChecks, probedCounts, unmeasuredNote } from './hold-out.ts';
import { NOT_VERIFIED } from './verify-plan.ts';

/** The shipped HPA (clusters/k8s/hpa.yaml as capbench deploys it) and the pod's CPU request. */
export const SHIPPED_HPA: HpaSettings = { minReplicas: 2, maxReplicas: 10, cpuPercent: 70 };
export const POD_CPU_REQUEST_MILLICORES = 100;
/** metrics.k8s.io's resolution: the CPU the HPA sees lags the load by about this, s */
const METRIC_DELAY_S = 15;
/** pod start delay assumed when no spike run measured one, s */
const ASSUMED_POD_START_S = 30;

const WHERE = 'plan';

function observationsOf(runs: readonly RunRecord[], target: string): { obs: Map<number, number[]>; lowerBound: Set<number>; capacities: TargetCapacity[] } {
  const obs = new Map<number, number[]>();
  const lowerBound = new Set<number>();
  const capacities: TargetCapacity[] = [];
  for (const run of runs) {
    const cap = run.targets.find((t) => t.name === target)?.capacity;
    if (!cap || cap.verifies) continue;
    capacities.push(cap);
    for (const r of cap.byReplicas) {
      if (r.error !== undefined || r.capacityAtSloRps === null) continue;
      obs.set(r.replicas, [...(obs.get(r.replicas) ?? []), r.capacityAtSloRps]);
      if (r.capacityIsLowerBound) lowerBound.add(r.replicas);
    }
  }
  return { obs, lowerBound, capacities };
}

/** The knee step's figure of the largest probed count (the deployment closest to the plan). */
function kneeFigure(caps: readonly TargetCapacity[], pick: (s: TargetCapacity['byReplicas'][number]['steps'][number]) => number | null): number | null {
  const values: number[] = [];
  for (const c of caps) {
    for (const r of c.byReplicas) {
      const step = r.kneeStepIndex === null ? undefined : r.steps.find((s) => s.index === r.kneeStepIndex);
      const v = step ? pick(step) : null;
      if (v !== null && Number.isFinite(v)) values.push(v);
    }
  }
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  return values[Math.floor((values.length - 1) / 2)]!;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

function checkOptions(o: PlanOptions): void {
  if (o.users.length === 0) throw new HarnessError(mustBe(WHERE, '--users', 'one or more user counts', ''), { code: 'usage', hint: 'e.g. --users 100,1000' });
  for (const u of o.users) {
    if (!(Number.isFinite(u) && u > 0)) throw new HarnessError(mustBe(WHERE, '--users', 'numbers > 0', u), { code: 'usage', hint: 'e.g. --users 100,1000' });
  }
  if (!(o.headroom >= 0 && o.headroom <= 5)) throw new HarnessError(mustBe(WHERE, '--headroom', 'in [0, 5]', o.headroom), { code: 'usage', hint: 'e.g. --headroom 0.2 for 20 % spare' });
}

const USED_SCENARIOS = ['capacity', 'spike'];

/**
 * Build the plan from one or more capacity runs (their observations are pooled per replica
 * count) and optional spike runs (their measured pod start delay and scale-up reaction).
 */
export function buildCapacityPlan(allRuns: readonly RunRecord[], allDirs: readonly string[], o: PlanOptions, spikes: readonly SpikeEvidence[] = []): CapacityPlan {
  checkOptions(o);
  const other = allRuns.map((r, i) => [r, allDirs[i]] as const).find(([r]) => !USED_SCENARIOS.includes(r.scenario));
  if (other) {
    throw new HarnessError(mustBe(WHERE, other[1] ?? 'a run directory', 'a capacity or spike run', other[0].scenario), {
      code: 'badConfig',
      hint: 'pass capacity runs (`npx capbench run capacity …`) and optionally a spike run',
    });
  }
  const runs = allRuns.filter((r) => r.scenario === 'capacity');
  const runDirs = allDirs.filter((_, i) => allRuns[i]!.scenario === 'capacity');
  if (runs.length === 0) {
    throw new HarnessError(`${WHERE}: the run directories must include a capacity run (got ${JSON.stringify(allRuns.map((r) => r.scenario))})`, {
      code: 'badConfig',
      hint: 'make one with `npx capbench run capacity --target compose,local-k8s --replicas 1,2,4 --quick`',
    });
  }
  const names = [...new Set(runs.flatMap((r) => r.targets.filter((t) => t.capacity && !t.capacity.verifies).map((t) => t.name)))];
  if (names.length === 0) {
    throw new HarnessError(mustBe(WHERE, runDirs.join(', '), 'a capacity run with at least one target that measured capacity', 'no target with capacity figures'), {
      code: 'badConfig',
      hint: 'see why each target failed in its report, then re-run `npx capbench run capacity …`',
    });
  }
  const models: TargetModel[] = [];
  const rows: PlanRow[] = [];
  const autoscaler: AutoscalerPlan[] = [];
  const thinkTimeMeanMs = meanThinkTimeMs(spikeFull.thinkTimeMs);
  for (const name of names) {
    const kind = runs.flatMap((r) => r.targets).find((t) => t.name === name)!.kind;
    const { obs, lowerBound, capacities } = observationsOf(runs, name);
    const data = [...obs.entries()].sort((a, b) => a[0] - b[0]).map(([replicas, throughputRps]) => ({ replicas, throughputRps }));
    if (data.length < 2) {
      throw new HarnessError(mustBe(`${WHERE}: ${name}`, 'capacity at SLO', 'measured at 2 or more replica counts to fit a scaling curve', data.map((d) => d.replicas)), {
        code: 'badConfig',
        hint: `probe more counts: \`npx capbench run capacity --target ${name} --replicas 1,2,4\``,
      });
    }
    const maxMeasured = data[data.length - 1]!.replicas;
    const grid = Array.from({ length: Math.max(64, 4 * maxMeasured) }, (_, i) => i + 1);
    let fit: UslFitWithBand;
    try {
      fit = fitUslWithBand(data, { replicas: grid, seed: o.seed ?? 1, resamples: o.resamples ?? 400 });
    } catch (e) {
      if (!(e instanceof HarnessError)) throw e;
      throw new HarnessError(`${WHERE}: ${name}: the scaling curve must fit the measured capacity (got: ${e.message})`, {
        code: 'badConfig',
        hint: `probe again with more steps or repetitions: \`npx capbench run capacity --target ${name} --replicas 1,2,4\``,
      });
    }
    const knee50 = kneeFigure(capacities, (s) => s.p50Ms);
    const responseMs = o.responseMs ?? knee50 ?? 0;
    const responseFrom: TargetModel['responseFrom'] = o.responseMs !== undefined ? '--response-ms' : knee50 !== null ? 'knee p50' : 'none measured: 0 ms (the most requests per user)';
    const cycle = { thinkTimeMs: thinkTimeMeanMs, responseTimeMs: responseMs };
    const kneeCpu = kneeFigure(capacities, (s) => s.cpuPercentPerReplica);
    const podCpu = o.podCpuMillicores ?? (kneeCpu !== null ? Math.max(10, Math.ceil(kneeCpu) * 10) : null);
    const podCpuFrom = o.podCpuMillicores !== undefined ? '--pod-cpu' : kneeCpu !== null ? 'CPU per replica measured at the knee' : null;
    const podsPerNode = kind === 'kubernetes' && podCpu !== null ? Math.floor(Math.min((o.nodeCpuCores * 1000) / podCpu, o.nodeMemoryMiB / o.podMemoryMiB)) : null;
    models.push({
      target: name,
      kind,
      observations: data.map((d) => ({ replicas: d.replicas, throughputRps: [...d.throughputRps] })),
      fit: { params: fit.params, kappaFitted: fit.kappaFitted, peakReplicas: fit.peakReplicas, peakThroughputRps: fit.peakThroughputRps, rSquared: fit.rSquared, intervals: fit.intervals, note: fit.note, band: fit.band },
      perUserRps: usersToRequestRate(1, cycle),
      responseMs,
      responseFrom,
      thinkTimeMeanMs,
      cpuMsPerRequest: null,
      podsPerNode,
      podCpuMillicores: podCpu,
      podCpuFrom,
      lowerBoundCounts: [...lowerBound].sort((a, b) => a - b),
    });
    const cpuMsPerRequest = median(capacities.flatMap((c) => c.byReplicas.map((r) => r.cpuMsPerRequest)).filter((v): v is number => v !== null && v > 0));
    const steps = capacities.flatMap((c) => c.byReplicas.flatMap((r) => r.steps.map((step) => ({ replicas: r.replicas, step }))));
    models[models.length - 1]!.cpuMsPerRequest = cpuMsPerRequest;
    const spike = spikes.find((e) => e.target === name);
    const counts = { measured: data.map((d) => d.replicas), maxMeasured, probed: probedCounts(runs, name) };
    for (const users of o.users) {
      const loadRps = usersToRequestRate(users, cycle);
      const neededRps = loadRps * (1 + o.headroom);
      const row = planRow({ name, kind, users, loadRps, neededRps, fit, counts, podsPerNode, o });
      rows.push(row);
      if (kind === 'kubernetes' && row.replicas !== null && cpuMsPerRequest !== null) {
        autoscaler.push(planAutoscaler({
          target: name, users, startUsers: spikeFull.startVUs, stages: spikeFull.stages, rampStartS: spikeFull.stages[0]!.durationS,
          perUserRps: usersToRequestRate(1, cycle), podCapacityRps: row.predictedLowerRps! / row.replicas, cpuMsPerRequest,
          podCpuRequestMillicores: POD_CPU_REQUEST_MILLICORES, headroom: o.headroom, maxReplicas: row.replicas, current: SHIPPED_HPA,
          podStartDelayS: spike?.podStartDelayS ?? ASSUMED_POD_START_S, podStartFrom: spike?.podStartDelayS != null ? 'spike run' : 'assumed (no spike run given)',
          measuredScaleUpReactionS: spike?.scaleUpReactionS ?? null, metricDelayS: METRIC_DELAY_S, steps,
        }));
      }
    }
  }
  const single = models.filter((m) => m.observations.some((ob) => ob.throughputRps.length < 2)).map((m) => m.target);
  const notes = [
    ...(single.length > 0 ? [`${single.join(', ')}: one capacity figure per replica count, so the band has no spread there and the lower end is the fit itself — pass several capacity runs to \`npx capbench plan\` to pool them`] : []),
    `users → requests/s by Little's law: think time mean ${thinkTimeMeanMs} ms (the spike profile's), one request per cycle`,
  ];
  if (models.some((m) => m.kind === 'kubernetes') && autoscaler.length === 0) notes.push('no HPA settings: no CPU per request was measured (or no user count is reachable)');
  if (autoscaler.length > 0 && spikes.length === 0) notes.push(`HPA replay: pod start delay assumed ${ASSUMED_POD_START_S} s — pass a spike run to use the measured one`);
  return { runs: [...runDirs], options: o, models, rows, autoscaler, verified: false, notes, verification: null, verificationNote: NOT_VERIFIED, ...holdOutChecks(models, runs, o) };
}

/** The replica counts of one target: those with a measured capacity at SLO (ascending), the largest of them, and every probed count's entries. */
interface Counts {
  measured: readonly number[];
  maxMeasured: number;
  probed: ReadonlyMap<number, readonly ReplicaCapacity[]>;
}

/**
 * How far a row's count leans on the fit, and why in words: 'probed' only for a count with a
 * measured capacity at SLO (a floor says so); a count within the measured range without its
 * own figure — never probed, or probed with every step generator-/host-bound or the SLO never
 * met — is 'interpolated', saying which.
 */
function reachOf(n: number, c: Counts): { reach: PlanReach; notes: string[] } {
  const entries = c.probed.get(n);
  const unmeasured = entries === undefined || c.measured.includes(n) ? [] : [`probed at ${n} but not measured — ${unmeasuredNote(n, entries)}`];
  if (c.measured.includes(n)) {
    const floor = entries === undefined ? null : floorNote(n, entries);
    return { reach: 'probed', notes: floor === null ? [] : [floor] };
  }
  if (n < c.maxMeasured) {
    return { reach: 'interpolated', notes: [...(unmeasured.length ? unmeasured : [`${n} replicas not probed`]), `the fit between the measured counts (${c.measured.join(', ')}) decides`] };
  }
  return { reach: n <= 2 * c.maxMeasured ? 'beyond-probed' : 'extrapolated', notes: [`largest count with a measured capacity: ${c.maxMeasured}`, ...unmeasured] };
}

function planRow(a: { name: string; kind: TargetModel['kind']; users: number; loadRps: number; neededRps: number; fit: UslFitWithBand; counts: Counts; podsPerNode: number | null; o: PlanOptions }): PlanRow {
  const base = { target: a.name, kind: a.kind, users: a.users, loadRps: a.loadRps, neededRps: a.neededRps };
  const point = a.fit.band.find((p) => p.lowerRps >= a.neededRps);
  if (!point) {
    const bestLower = Math.max(...a.fit.band.map((p) => p.lowerRps));
    const fitReach = a.fit.band.find((p) => uslThroughput(a.fit.params, p.replicas) >= a.neededRps);
    const why = a.fit.peakReplicas !== null
      ? `the fit peaks at N* ≈ ${a.fit.peakReplicas.toFixed(1)} replicas (${(a.fit.peakThroughputRps ?? 0).toFixed(1)} req/s): adding replicas beyond it lowers throughput`
      : `the band's lower end reaches ${bestLower.toFixed(1)} req/s at ${a.fit.band.length} replicas`;
    return { ...base, replicas: null, reach: 'unreachable', predictedRps: null, predictedLowerRps: null, nodes: null, hostCpuCores: null, note: `cannot be reached by adding replicas: ${why}${fitReach ? ` (the fit alone would say ${fitReach.replicas}, its band does not)` : ''}` };
  }
  const n = point.replicas;
  const { reach, notes } = reachOf(n, a.counts);
  const nodes = a.kind === 'kubernetes' && a.podsPerNode !== null && a.podsPerNode > 0 ? Math.ceil(n / a.podsPerNode) + 1 : null;
  const hostCpuCores = a.kind === 'compose' ? n * a.o.composeReplicaCpu + a.o.composeBalancerCpu : null;
  if (a.kind === 'kubernetes' && a.podsPerNode === null) notes.push('nodes unknown: no pod CPU (pass --pod-cpu)');
  if (a.kind === 'kubernetes' && a.podsPerNode === 0) notes.push('a pod does not fit on one node of this size');
  if (hostCpuCores !== null) notes.push(hostCpuCores <= a.o.hostCpuCores ? `fits one ${a.o.hostCpuCores}-core host` : `needs a ${Math.ceil(hostCpuCores)}-core host: Compose cannot spread over hosts`);
  return { ...base, replicas: n, reach, predictedRps: point.throughputRps, predictedLowerRps: point.lowerRps, nodes, hostCpuCores, note: notes.join('; ') };
}
