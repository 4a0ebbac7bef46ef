/**
 * The go/no-go verdict: SLO gates applied to every target's figures (over repetitions: on
 * their intervals), regressions against baseline runs (regressions.ts) and each Kubernetes
 * target against Compose (compare.ts). Pure functions of ReportRuns and an SloConfig.
 */
import type { GateVerdict } from '../../measure/stats/gate.ts';
import { MAX_REPEAT, type TargetFigures } from '../../model/index.ts';
import { isCapacityRun } from '../capacity/facts.ts';
import { repetitionFigures, type ReportRun, type ReportTarget } from '../runs.ts';
import { GATE_INFO, GATE_KEYS, gatesFor, type GateKey, type SloConfig } from '../../scenario/slo-file.ts';
import { gateValue } from '../format.ts';
import { compareTargets, type Comparison } from './compare.ts';
import { judgeGenerators } from './generator.ts';
import { findRegressions, type Regression } from './regressions.ts';
import { judgeRepeated, repeatedValue, type RepeatedGate } from './repeated-gate.ts';
import { noKubernetesLine, unavailableTargets, type UnavailableTarget } from './next-step.ts';

export { findRegressions, type Regression } from './regressions.ts';

/**
 * GO: every Kubernetes target passed every gate. NO-GO: at least one failed. INCONCLUSIVE:
 * none failed, but the repetitions' intervals of at least one contain its limit. NO DATA: no
 * Kubernetes target produced figures (none could be had, none was asked for, or each failed).
 * INVALID: a target's load generator could not keep its schedule in more than 5 % of the
 * seconds, so the figures are not evidence (whatever the gates say).
 * Every place that shows a verdict keys its presentation by this union, so a new kind
 * (INCONCLUSIVE, INVALID) does not compile until each place says how to show it.
 */
export type VerdictKind = 'GO' | 'NO-GO' | 'INCONCLUSIVE' | 'NO DATA' | 'INVALID';

/** One figure checked against one limit. */
export interface GateResult {
  runId: string;
  scenario: string;
  target: string;
  targetKind: string;
  /** Kubernetes targets are the candidates the verdict is about */
  candidate: boolean;
  /** a gate key, or `data` when the target produced no figures at all */
  gate: GateKey | 'data';
  /** window name, fault label, or null for run-wide figures */
  subject: string | null;
  limit: number | null;
  /** the median over the repetitions (the value of a single run); null = no value (no request completed, never recovered, no fault recorded, …) */
  actual: number | null;
  /** outcome === 'PASS' */
  pass: boolean;
  /** PASS only when the interval's worse end meets the limit, FAIL only when its better end misses it; a single run by its value */
  outcome: GateVerdict;
  /** repetitions judged: 1 = single run, no interval */
  n: number;
  /** the interval of the median over the repetitions (achieved coverage); null for a single run */
  interval: RepeatedGate['interval'];
  /** INCONCLUSIVE: the repetitions in total that would likely resolve it */
  toResolve: RepeatedGate['toResolve'];
  /** actual − limit when failed with a value */
  overBy: number | null;
  /** human text, e.g. `p95 latency in spike: 1234 ms > 1000 ms (over by 234 ms)` */
  text: string;
}

export interface TargetVerdict {
  runId: string;
  scenario: string;
  target: string;
  kind: string;
  status: string;
  candidate: boolean;
  result: 'pass' | 'fail' | 'inconclusive' | 'no data';
  /** repetitions that produced figures */
  repetitions: number;
  failed: GateResult[];
}

export interface Verdict {
  verdict: VerdictKind;
  /** one line that says why (NO DATA: and what to do next) */
  reason: string;
  /**
   * The one or two figures that decided it: NO-GO the failed gates furthest over their
   * limits, GO the passed gates closest to theirs; none for NO DATA.
   */
  deciding: GateResult[];
  /** NO DATA and INVALID: what the user can do next */
  nextStep?: string;
  /** targets `--target auto` tried that were not usable here: named once, never judged */
  unavailable: UnavailableTarget[];
  sloFile: string;
  gates: GateResult[];
  /** failed gates of candidate targets (what makes NO-GO) */
  failedGates: GateResult[];
  targets: TargetVerdict[];
  regressions: Regression[];
  /** each Kubernetes target against the run's Compose target, per figure */
  comparisons: Comparison[];
  /** gates of candidate targets whose interval contains the limit (what makes INCONCLUSIVE) */
  inconclusiveGates: GateResult[];
  notes: string[];
}

/** Measured values of one gate for one target's figures: one per window / fault, or one for the run. */
export function gateValues(f: TargetFigures, gate: GateKey, windows: string[] | undefined): Array<{ subject: string | null; value: number | null; missing?: string }> {
  const perWindow = (pick: (w: TargetFigures['overall']) => number | null) => {
    // a window that starts where the series ended (interrupted run) was never reached: nothing to judge
    const ws = f.windows.length === 0 ? [f.overall] : f.windows.filter((w) => (windows === undefined || windows.includes(w.name)) && !(w.requests === 0 && w.startS >= f.overall.endS));
    return ws.map((w) => ({ subject: w.name, value: pick(w), ...(pick(w) === null ? { missing: 'no request completed' } : {}) }));
  };
  const perFault = (kind: 'node-crash' | 'rolling-update' | null, pick: (x: TargetFigures['faults'][number]) => number | null, missing: string) => {
    const fs = f.faults.filter((x) => kind === null || x.window.kind === kind);
    if (fs.length === 0) return [{ subject: null, value: null, missing: `no ${kind ?? 'fault'} recorded in this run` }];
    return fs.map((x, i) => ({ subject: `${x.window.kind}${fs.length > 1 ? ` #${i + 1}` : ''}`, value: pick(x), ...(pick(x) === null ? { missing } : {}) }));
  };
  switch (gate) {
    case 'p95Ms':
      return perWindow((w) => w.p95Ms);
    case 'errorRate':
      return perWindow((w) => w.errorRate);
    case 'downtimeS':
      return [{ subject: null, value: f.downtimeS }];
    case 'longestOutageS':
      return [{ subject: null, value: f.longestOutageS }];
    // figures saved to run.json before degraded time existed have none
    case 'degradedS':
      return [{ subject: null, value: f.degradedS ?? null, ...(f.degradedS === undefined ? { missing: 'not measured (run saved before degraded time)' } : {}) }];
    case 'longestDegradedS':
      return [{ subject: null, value: f.longestDegradedS ?? null, ...(f.longestDegradedS === undefined ? { missing: 'not measured (run saved before degraded time)' } : {}) }];
    case 'timeToRecoverS':
      return perFault(null, (x) => x.timeToRecoverS, 'never recovered');
    case 'rolloutDurationS':
      return perFault('rolling-update', (x) => x.rolloutDurationS, 'rollout never finished');
    case 'failedRequestsDuringRollout': {
      const fs = f.faults.filter((x) => x.window.kind === 'rolling-update');
      if (fs.length === 0) return [{ subject: null, value: null, missing: 'no rolling-update recorded in this run' }];
      return [{ subject: null, value: fs.reduce((a, x) => a + x.failedRequests, 0) }];
    }
    case 'scaleUpReactionS':
      return [{ subject: null, value: f.scaleUpReactionS, ...(f.scaleUpReactionS === null ? { missing: 'desired replicas never increased' } : {}) }];
  }
}

function gateText(gate: GateKey, subject: string | null, limit: number, j: RepeatedGate, missing?: string): string {
  const what = `${GATE_INFO[gate].label}${subject === null ? '' : ` in ${subject}`}`;
  const { actual } = j;
  if (actual === null && j.interval === null) return `${what}: ${missing ?? 'no value'} (limit ${gateValue(gate, limit)})`;
  const shown = repeatedValue(gate, j, missing ?? 'no value');
  if (j.outcome === 'PASS') return `${what}: ${shown} ≤ ${gateValue(gate, limit)}`;
  if (j.outcome === 'INCONCLUSIVE') {
    const runs = j.toResolve?.runs;
    return `${what}: ${shown} contains the limit ${gateValue(gate, limit)} — INCONCLUSIVE${runs ? `; about ${runs} runs would likely resolve it` : j.toResolve ? ` (${j.toResolve.reason})` : ''}`;
  }
  if (actual === null) return `${what}: ${shown} (limit ${gateValue(gate, limit)})`;
  return `${what}: ${shown} > ${gateValue(gate, limit)} (over by ${gateValue(gate, actual - limit)})`;
}

/** Every gate of the target's scenario applied to its figures. */
export function evaluateTarget(run: ReportRun, t: ReportTarget, slo: SloConfig): GateResult[] {
  const rec = run.saved.record;
  const base = { runId: rec.runId, scenario: rec.scenario, target: t.run.name, targetKind: t.run.kind, candidate: t.run.kind === 'kubernetes' };
  if (t.figures === null) {
    const why = `no figures: target ${t.run.status}${t.run.error ? ` (${t.run.error})` : ''}`;
    return [{ ...base, gate: 'data', subject: null, limit: null, actual: null, pass: false, outcome: 'FAIL', n: 0, interval: null, toResolve: null, overBy: null, text: why }];
  }
  const { gates, windows } = gatesFor(slo, rec.scenario, t.run.name);
  const reps = repetitionFigures(t);
  const out: GateResult[] = [];
  for (const gate of GATE_KEYS) {
    const lim = gates[gate];
    if (lim === undefined) continue;
    const perRep = reps.map((f) => gateValues(f, gate, windows));
    for (const v of gateValues(t.figures, gate, windows)) {
      const j = judgeRepeated(perRep.map((vs) => vs.find((x) => x.subject === v.subject)?.value ?? null), lim);
      out.push({
        ...base,
        gate,
        subject: v.subject,
        limit: lim,
        pass: j.outcome === 'PASS',
        ...j,
        overBy: j.outcome === 'FAIL' && j.actual !== null ? j.actual - lim : null,
        text: gateText(gate, v.subject, lim, j, v.missing),
      });
    }
  }
  return out;
}

/**
 * GO when every Kubernetes target passes every gate of its scenario; NO-GO names each
 * failed gate; NO DATA when no Kubernetes target produced figures. Targets `--target auto`
 * could not use are not judged (ReportRun.unavailable): they are named once in `unavailable`.
 * Capacity runs are not judged either (they break the SLO on purpose); with nothing else,
 * NO DATA says that a capacity run has no go/no-go and which runs would give one.
 */
export function decide(allRuns: ReportRun[], slo: SloConfig, baselines: ReportRun[] = []): Verdict {
  const gates: GateResult[] = [];
  const targets: TargetVerdict[] = [];
  const notes: string[] = [];
  // capacity runs break the SLO on purpose: the Capacity section shows them, the gates do not judge them
  const runs = allRuns.filter((r) => !isCapacityRun(r.saved.record));
  const capacity = allRuns.filter((r) => isCapacityRun(r.saved.record));
  if (runs.length > 0) notes.push(...capacity.map((r) => `run ${r.saved.record.runId} (${r.saved.record.scenario}) measures capacity: it is not part of the go/no-go (see Capacity)`));
  for (const run of runs) {
    const rec = run.saved.record;
    if (!slo.scenarios[rec.scenario]) notes.push(`${slo.file} has no gates for scenario ${rec.scenario}: its targets pass trivially`);
    if (rec.status !== 'completed') notes.push(`run ${rec.runId} (${rec.scenario}) is ${rec.status}${rec.reason ? `: ${rec.reason}` : ''} — figures cover only what ran`);
    for (const t of run.targets) {
      const res = evaluateTarget(run, t, slo);
      gates.push(...res);
      const failed = res.filter((g) => g.outcome === 'FAIL');
      const unsure = res.some((g) => g.outcome === 'INCONCLUSIVE');
      targets.push({
        runId: rec.runId,
        scenario: rec.scenario,
        target: t.run.name,
        kind: t.run.kind,
        status: t.run.status,
        candidate: t.run.kind === 'kubernetes',
        result: t.figures === null ? 'no data' : failed.length > 0 ? 'fail' : unsure ? 'inconclusive' : 'pass',
        repetitions: repetitionFigures(t).length,
        failed,
      });
    }
  }
  const regressions = findRegressions(runs, baselines, slo);
  const unavailable = unavailableTargets(allRuns);
  const candidates = targets.filter((t) => t.candidate);
  const withData = candidates.filter((t) => t.result !== 'no data');
  const failedGates = gates.filter((g) => g.candidate && g.outcome === 'FAIL');
  const inconclusiveGates = gates.filter((g) => g.candidate && g.outcome === 'INCONCLUSIVE');
  const generator = judgeGenerators(runs, baselines);
  notes.push(...generator.notes);
  const comparisons = compareTargets(runs);
  const common = { sloFile: slo.file, gates, failedGates, inconclusiveGates, targets, regressions, comparisons, notes, unavailable };
  if (runs.length === 0 && capacity.length > 0) {
    const nextStep = 'for a go/no-go, run the spike, node-crash and rolling-update scenarios: `npx capbench run all --target …`';
    return { verdict: 'NO DATA', reason: `No go/no-go: these runs measure capacity (how much each target carries at its SLO), which gates do not judge — ${nextStep}`, deciding: [], nextStep, ...common };
  }
  if (withData.length === 0) {
    notes.push(...generator.invalidTargets);
    if (candidates.length === 0) {
      const { reason, nextStep } = noKubernetesLine(unavailable);
      return { verdict: 'NO DATA', reason, deciding: [], nextStep, ...common };
    }
    const reason = `the Kubernetes targets produced no measurements — ${candidates.map((t) => `${t.target}: ${t.failed[0]?.text ?? t.status}`).join('; ')}`;
    return { verdict: 'NO DATA', reason, deciding: [], nextStep: 'fix what stopped them (the error is in their row below), then run the same command again', ...common };
  }
  if (generator.invalid !== null) return { verdict: 'INVALID', reason: generator.invalid.reason, deciding: [], nextStep: generator.invalid.nextStep, ...common };
  if (failedGates.length > 0) {
    const deciding = mostSevere(failedGates);
    const worst = deciding[0]!;
    const reason = `${failedGates.length} gate${failedGates.length === 1 ? '' : 's'} failed on Kubernetes; worst: ${worst.scenario}/${worst.target}: ${worst.text}`;
    return { verdict: 'NO-GO', reason, deciding, ...common };
  }
  if (inconclusiveGates.length > 0) {
    const deciding = mostSevere(inconclusiveGates);
    const runs = inconclusiveGates.map((g) => g.toResolve?.runs ?? null);
    const most = runs.every((r) => r !== null) ? Math.max(...(runs as number[])) : null;
    const reason = `no gate failed on Kubernetes, but ${inconclusiveGates.length} cannot be decided from these repetitions (the interval contains the limit); worst: ${deciding[0]!.scenario}/${deciding[0]!.target}: ${deciding[0]!.text}`;
    const nextStep = most === null
      ? 'run more repetitions (`--repeat`), or on a quieter machine to narrow the intervals'
      : most > MAX_REPEAT
        ? `about ${most} runs would likely resolve it — more than \`--repeat\` allows (${MAX_REPEAT}); narrow the spread instead (a quieter machine, the full profile) and run again with \`--repeat ${MAX_REPEAT}\``
        : `run again with \`--repeat ${most}\` (about ${most} runs would likely resolve every undecided gate)`;
    return { verdict: 'INCONCLUSIVE', reason, deciding, nextStep, ...common };
  }
  // a figure at 0 % of its limit decided nothing; a GO with only such figures shows none
  const deciding = mostSevere(gates.filter((g) => g.candidate && severity(g) > 0));
  const reason = `every Kubernetes target (${withData.map((t) => `${t.scenario}/${t.target}`).join(', ')}) passed every gate of ${slo.file}`;
  return { verdict: 'GO', reason, deciding, ...common };
}

/** The two gate results nearest to (or furthest over) their limits, one per target and gate: two windows of the same p95 say less than two figures. */
function mostSevere(gs: readonly GateResult[]): GateResult[] {
  const seen = new Set<string>();
  const out: GateResult[] = [];
  for (const g of [...gs].sort((a, b) => severity(b) - severity(a))) {
    const key = `${g.runId}\u0000${g.target}\u0000${g.gate}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(g);
    if (out.length === 2) break;
  }
  return out;
}

/** How close to (or over) its limit a figure is, as a share of the limit; no value = worst. */
function severity(g: GateResult): number {
  if (g.actual === null) return Infinity;
  if (g.limit === null) return -Infinity;
  if (g.limit === 0) return g.actual > 0 ? Number.MAX_VALUE : 0;
  return g.actual / g.limit;
}

/** What fails a CI job: an INVALID run (not evidence), a failed gate of a candidate, or a regression of a candidate. */
export function gatesFailedOf(v: Verdict): boolean {
  return v.verdict === 'INVALID' || v.failedGates.length > 0 || v.regressions.some((r) => r.regressed && r.candidate);
}
