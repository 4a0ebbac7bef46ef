/**
 * The plan's hold-out self-check: for a target probed at ≥ 3 replica counts, fit the USL on
 * every count but the largest, predict the largest, and compare with its measured capacity
 * at SLO (±20 % is the acceptance of issue 13). A fit on two counts fits σ only (κ = 0), as
 * the plan's own fit does. When the held-out count's figure is only a floor (the step after
 * its knee was generator- or host-bound) or missing (no app-bound step met the SLO), the
 * check says which instead of a verdict. Pure: called by buildCapacityPlan for every target.
 */
import { HarnessError, type CapacityStep, type ReplicaCapacity, type RunRecord } from '../model/index.ts';
import type { HoldOutCheck } from '../model/plan-check.ts';
import type { TargetModel } from '../model/plan.ts';
import { fitUslWithBand } from './usl-band.ts';

/** |prediction error| at or below this share passes the hold-out check. */
export const HOLD_OUT_TOLERANCE = 0.2;

const BOUND_WORDS: Record<Exclude<CapacityStep['bound'], 'app'>, string> = {
  generator: 'generator-bound (the load generator could not keep its schedule)',
  host: "host-bound (the machine's CPU was ≥ 95 % busy: generator, balancer and app shared it)",
};

/** Replica counts probed for `target` (scaling did not fail), each with its entries from every run; the plan's rows read it too. */
export function probedCounts(runs: readonly RunRecord[], target: string): Map<number, ReplicaCapacity[]> {
  const out = new Map<number, ReplicaCapacity[]>();
  for (const run of runs) {
    const cap = run.targets.find((t) => t.name === target)?.capacity;
    if (!cap || cap.verifies) continue;
    for (const r of cap.byReplicas) if (r.error === undefined) out.set(r.replicas, [...(out.get(r.replicas) ?? []), r]);
  }
  return out;
}

const plural = (n: number): string => `${n} replica${n === 1 ? '' : 's'}`;

/** Why a probed count has no capacity at SLO: which of generator/host bound its steps, or that no step met the SLO. */
export function unmeasuredNote(n: number, entries: readonly ReplicaCapacity[]): string {
  const bound = entries.flatMap((e) => e.steps).filter((s) => s.bound !== 'app');
  const kind = bound.some((s) => s.bound === 'host') ? 'host' : bound.length > 0 ? 'generator' : null;
  return kind === null
    ? `no capacity at SLO was measured at ${plural(n)}: no step met the SLO there`
    : `no capacity at SLO was measured at ${plural(n)}: ${bound.length} of its steps were ${BOUND_WORDS[kind]}`;
}

/** Why a count's measured capacity is only a floor (the step after its knee was generator- or host-bound), or null when it is app-bound. */
export function floorNote(n: number, entries: readonly ReplicaCapacity[]): string | null {
  const floors = entries.filter((e) => e.capacityIsLowerBound);
  if (floors.length === 0) return null;
  const after = floors.flatMap((e) => e.steps.filter((s) => e.kneeStepIndex !== null && s.index > e.kneeStepIndex).slice(0, 1));
  const kind = after.some((s) => s.bound === 'host') ? 'host' : 'generator';
  return `the measured capacity at ${plural(n)} is only a floor: the step after its knee was ${BOUND_WORDS[kind]} — measure again on a quiet machine`;
}

/** Why the held-out count's figure is no evidence, or null when it is an app-bound capacity. */
function boundNote(n: number, entries: readonly ReplicaCapacity[], measured: number | null): string | null {
  return measured === null ? unmeasuredNote(n, entries) : floorNote(n, entries);
}

/** The hold-out check of one target's model, or a note saying why there is none. */
export function holdOutCheck(model: Pick<TargetModel, 'target' | 'observations'>, runs: readonly RunRecord[], o: { seed?: number; resamples?: number } = {}): HoldOutCheck | string {
  const probed = probedCounts(runs, model.target);
  const counts = [...probed.keys()].sort((a, b) => a - b);
  const held = counts[counts.length - 1];
  const fitOn = model.observations.filter((ob) => ob.replicas !== held);
  if (held === undefined || counts.length < 3 || fitOn.length < 2) {
    const missing = counts.filter((n) => !model.observations.some((ob) => ob.replicas === n)).map((n) => unmeasuredNote(n, probed.get(n) ?? []));
    return `${model.target}: no hold-out check — it needs capacity at SLO at 3 or more replica counts (got ${model.observations.map((ob) => ob.replicas).join(', ') || 'none'})${missing.map((m) => `; ${m}`).join('')}`;
  }
  let fit;
  try {
    fit = fitUslWithBand(fitOn, { replicas: [held], seed: o.seed ?? 1, resamples: o.resamples ?? 400 });
  } catch (e) {
    if (!(e instanceof HarnessError)) throw e;
    return `${model.target}: no hold-out check — the fit on ${fitOn.map((ob) => ob.replicas).join(', ')} replicas failed (${e.message})`;
  }
  const point = fit.band[0]!;
  const heldObs = model.observations.find((ob) => ob.replicas === held)?.throughputRps ?? [];
  const measured = heldObs.length === 0 ? null : heldObs.reduce((a, b) => a + b, 0) / heldObs.length;
  const errorPct = measured === null || measured <= 0 ? null : (100 * (point.throughputRps - measured)) / measured;
  const note = boundNote(held, probed.get(held) ?? [], measured);
  return {
    target: model.target,
    fitOnCounts: fitOn.map((ob) => ob.replicas),
    predictedCount: held,
    predicted: point.throughputRps,
    band: [point.lowerRps, point.upperRps],
    measured,
    errorPct,
    within20pct: note !== null || errorPct === null ? null : Math.abs(errorPct) <= 100 * HOLD_OUT_TOLERANCE,
    boundNote: note,
  };
}

/** Every target's hold-out check, and a note for each target that has none. */
export function holdOutChecks(models: ReadonlyArray<Pick<TargetModel, 'target' | 'observations'>>, runs: readonly RunRecord[], o: { seed?: number; resamples?: number } = {}): { holdOut: HoldOutCheck[]; holdOutNotes: string[] } {
  const holdOut: HoldOutCheck[] = [];
  const holdOutNotes: string[] = [];
  for (const m of models) {
    const c = holdOutCheck(m, runs, o);
    if (typeof c === 'string') holdOutNotes.push(c);
    else holdOut.push(c);
  }
  return { holdOut, holdOutNotes };
}
