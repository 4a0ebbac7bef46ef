/**
 * What the report says about a capacity run, in one place so the HTML page, summary.md and
 * the CSV say the same: which runs are capacity runs, each replica count's row (capacity at
 * SLO, saturation, CPU per request, why the probe stopped, the bound of the step that
 * decided), and the one sentence for each case that has no figure. Reads
 * TargetRun.capacity (src/model/capacity.ts) as saved; computes nothing the probe computed.
 */
import type { CapacityStep, ProbeStop, ReplicaCapacity, StepBound, TargetCapacity } from '../../model/index.ts';
import { ms, pct, rps } from '../format.ts';

/** The scenario name of a capacity run (issue 12: `capbench run capacity`). */
export const CAPACITY_SCENARIO = 'capacity';

/**
 * A run the go/no-go gates do not judge: the capacity probe breaks the SLO on purpose (that is
 * how it finds the knee) and may push the generator to its limit, so its figures are rows of
 * the Capacity section, not gate results.
 */
export function isCapacityRun(rec: { scenario: string; targets: ReadonlyArray<{ capacity?: TargetCapacity }> }): boolean {
  return rec.scenario === CAPACITY_SCENARIO || rec.targets.some((t) => t.capacity !== undefined);
}

/** Every run is a capacity run: the report opens with capacity, not with a verdict that judges nothing. */
export function onlyCapacity(runs: ReadonlyArray<Parameters<typeof isCapacityRun>[0]>): boolean {
  return runs.length > 0 && runs.every(isCapacityRun);
}

export const STOP_TEXT: Record<ProbeStop, string> = {
  'slo-broken-twice': 'SLO broken on two steps in a row',
  'error-ceiling': 'error rate above the ceiling',
  'rate-cap': 'safety cap on the rate reached',
  'generator-bound': 'the load generator could not keep up',
  interrupted: 'interrupted',
  failed: 'failed',
};

export const BOUND_TEXT: Record<StepBound, string> = {
  app: 'app',
  generator: 'generator-bound',
  host: 'host-bound',
};

/** Steps that may count as the app's capacity (DESIGN.md: never a generator- or host-bound step). */
export const countsForApp = (s: CapacityStep): boolean => s.bound === 'app';

/**
 * The step that decided the figure: the first step after the knee that failed the SLO or was
 * not app-bound (its bound says whether the figure is the app's knee or only a floor); with
 * no knee, the first step. Null when there is no such step (every step passed up to the cap).
 */
export function decidingStep(r: ReplicaCapacity): CapacityStep | null {
  const after = r.kneeStepIndex === null ? r.steps : r.steps.filter((s) => s.index > r.kneeStepIndex!);
  return after.find((s) => !s.meetsSlo || !countsForApp(s)) ?? null;
}

/** "1 replica", "3 replicas". */
export const replicasText = (n: number): string => `${n} replica${n === 1 ? '' : 's'}`;

/** `p95 1.2 s > 1 s` / `errors 3 % > 1 %` / `p95 850 ms, errors 0 %`: why a step failed the SLO. */
export function sloMiss(s: CapacityStep, slo: TargetCapacity['slo']): string {
  const parts: string[] = [];
  if (s.p95Ms === null) parts.push('no successful request');
  else if (s.p95Ms > slo.p95Ms) parts.push(`p95 ${ms(s.p95Ms)} > ${ms(slo.p95Ms)}`);
  if (s.errorRate > slo.errorRate) parts.push(`errors ${pct(s.errorRate)} > ${pct(slo.errorRate)}`);
  return parts.length > 0 ? parts.join(', ') : `p95 ${ms(s.p95Ms)}, errors ${pct(s.errorRate)}`;
}

/** The capacity figure as shown: `95.2 req/s`, `≥ 131 req/s` for a floor; null without a figure. */
export function capacityText(r: ReplicaCapacity): string | null {
  if (r.capacityAtSloRps === null) return null;
  return `${r.capacityIsLowerBound ? '≥ ' : ''}${rps(r.capacityAtSloRps)}`;
}

/**
 * Why a replica count has no capacity figure, in one sentence (or null when it has one):
 * scaling failed, no step at all, only generator-/host-bound steps, or no app-bound step met
 * the SLO (not even the first).
 */
export function noCapacityWhy(r: ReplicaCapacity, c: TargetCapacity): string | null {
  if (r.error !== undefined) return `scaling to ${replicasText(r.replicas)} failed: ${r.error}`;
  if (r.capacityAtSloRps !== null) return null;
  if (r.steps.length === 0) return `no step ran (${STOP_TEXT[r.stoppedBy]})`;
  const app = r.steps.filter(countsForApp);
  if (app.length === 0) {
    return `every step (${r.steps.length}) was generator- or host-bound: these say what the load generator or the machine could do, not the app — give the generator CPU of its own and run again`;
  }
  const first = app[0]!;
  return `no step met the SLO, not even the first app-bound one at ${rps(first.achievedRps)} (${sloMiss(first, c.slo)}) — start the probe at a lower rate`;
}

/** One row of the capacity table (HTML, summary.md): every cell already formatted. */
export interface CapacityRow {
  target: string;
  replicas: number;
  /** the figure, or the sentence that says why there is none */
  capacity: string;
  hasFigure: boolean;
  saturation: string;
  cpuPerRequest: string;
  stoppedBy: string;
  /** bound of the deciding step, with the step and why it failed */
  boundBy: string;
  /** `9 steps, 2 excluded (generator-/host-bound)` */
  steps: string;
  /** scaling failed: the row is the sentence only */
  failed: boolean;
}

export function capacityRow(target: string, c: TargetCapacity, r: ReplicaCapacity): CapacityRow {
  const figure = capacityText(r);
  const why = noCapacityWhy(r, c);
  const d = decidingStep(r);
  const excluded = r.steps.filter((s) => !countsForApp(s)).length;
  const boundBy = d === null
    ? r.steps.length === 0 ? '–' : 'no step failed'
    : `${BOUND_TEXT[d.bound]} · step ${d.index + 1} at ${rps(d.offeredRps)} offered${d.bound === 'app' ? ` (${sloMiss(d, c.slo)})` : ''}`;
  return {
    target,
    replicas: r.replicas,
    capacity: figure ?? `none — ${why ?? 'no figure'}`,
    hasFigure: figure !== null,
    saturation: r.saturationRps === null ? 'no plateau reached' : rps(r.saturationRps),
    cpuPerRequest: r.cpuMsPerRequest !== null ? `${ms(r.cpuMsPerRequest)} CPU` : r.kneeStepIndex === null && r.steps.some((s) => s.cpuPercentPerReplica !== null) ? 'no knee' : 'not sampled',
    stoppedBy: r.stoppedBy === 'error-ceiling' ? `${STOP_TEXT[r.stoppedBy]} (${pct(c.errorCeiling)})` : r.stoppedBy === 'rate-cap' ? `${STOP_TEXT[r.stoppedBy]} (${rps(c.capRps)})` : STOP_TEXT[r.stoppedBy],
    boundBy,
    steps: `${r.steps.length} step${r.steps.length === 1 ? '' : 's'}${excluded > 0 ? `, ${excluded} excluded (generator-/host-bound)` : ''}`,
    failed: r.error !== undefined,
  };
}

/** A target of a capacity run as the report sees it: its capacity, or the reason there is none. */
export interface CapacityTarget {
  name: string;
  kind: string;
  status: string;
  error?: string;
  color: string;
  capacity?: TargetCapacity;
}

/** `compose: 1 → 48.2 req/s · 2 → 95 req/s · 3 → ≥ 131 req/s` — the top block's line for one target. */
export function headlineLine(t: CapacityTarget): string {
  if (t.capacity === undefined) return `${t.name}: no capacity measured — ${t.status}${t.error ? `: ${t.error}` : ''}`;
  if (t.capacity.byReplicas.length === 0) return `${t.name}: no replica count was probed — ${t.status}${t.error ? `: ${t.error}` : ''}`;
  const none = (r: ReplicaCapacity): string => (r.error !== undefined ? 'scaling failed' : r.steps.some(countsForApp) ? 'no step met the SLO' : 'no app-bound step (generator-/host-bound only)');
  const parts = t.capacity.byReplicas.map((r) => `${replicasText(r.replicas)} → ${capacityText(r) ?? none(r)}`);
  return `${t.name}: ${parts.join(' · ')}`;
}

/** Whether any replica count's figure is a floor (then the report says what “≥” means). */
export const anyFloor = (targets: ReadonlyArray<{ capacity?: TargetCapacity }>): boolean =>
  targets.some((t) => (t.capacity?.byReplicas ?? []).some((r) => r.capacityAtSloRps !== null && r.capacityIsLowerBound));

/** The SLO the steps were judged by, as a reader reads it: `p95 ≤ 1 s, errors ≤ 1 %`. */
export const sloText = (slo: TargetCapacity['slo']): string => `p95 ≤ ${ms(slo.p95Ms)}, errors ≤ ${pct(slo.errorRate)}`;
