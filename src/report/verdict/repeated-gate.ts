/**
 * One gate over a target's repetitions (DESIGN.md "Repeated runs"): PASS only when the worse
 * end of the median's interval meets the limit, FAIL only when its better end misses it,
 * otherwise INCONCLUSIVE with the runs that would likely resolve it — src/measure/stats/gate.ts.
 * A single run is decided on its value alone. Every gate is lower-is-better. A repetition
 * without a value (never recovered, rollout never finished) counts as worse than any limit:
 * it can keep a gate from PASS, never from FAIL.
 */
import { judgeGate, type GateVerdict } from '../../measure/stats/gate.ts';
import { pct } from '../../measure/stats/median-interval.ts';
import type { GateKey } from '../../scenario/slo-file.ts';
import { gateValue } from '../format.ts';

export interface RepeatedGate {
  outcome: GateVerdict;
  /** repetitions judged (1 = single run, no interval) */
  n: number;
  /** the median over the repetitions (the single value for one run); null = no value */
  actual: number | null;
  /** the interval of the median and its achieved coverage; null for a single run. An end is null where it is a repetition without a value. */
  interval: { lower: number | null; upper: number | null; coverage: number } | null;
  /** INCONCLUSIVE only: total repetitions likely to resolve it (null: none would, or no estimate) and why */
  toResolve: { runs: number | null; reason: string } | null;
}

// stands in for "no value" inside judgeGate: worse than any limit, and finite as it requires
const NO_VALUE = Number.MAX_VALUE;

/** Judges one gate's values over the repetitions (in repetition order). Pure. */
export function judgeRepeated(values: ReadonlyArray<number | null>, limit: number): RepeatedGate {
  if (values.length <= 1) {
    const v = values[0] ?? null;
    return { outcome: v !== null && v <= limit ? 'PASS' : 'FAIL', n: values.length, actual: v, interval: null, toResolve: null };
  }
  const missing = values.filter((v) => v === null).length;
  if (missing === values.length) return { outcome: 'FAIL', n: values.length, actual: null, interval: null, toResolve: null };
  const j = judgeGate({ values: values.map((v) => v ?? NO_VALUE), limit, direction: 'lower-is-better' });
  const real = (v: number): number | null => (v === NO_VALUE ? null : v);
  const toResolve = j.toResolve === null ? null : missing > 0
    ? { runs: null, reason: `${missing} of ${values.length} repetitions had no value; more runs will show whether that repeats` }
    : { runs: j.toResolve.runs, reason: j.toResolve.reason };
  return {
    outcome: j.verdict,
    n: j.n,
    actual: real(j.median),
    interval: j.coverage === null ? null : { lower: real(j.lower), upper: real(j.upper), coverage: j.coverage },
    toResolve,
  };
}

/** `1.2 s [1.1 s, 1.4 s] (n = 5, 93.75 %)`; a single run: the value. */
export function repeatedValue(gate: GateKey, g: Pick<RepeatedGate, 'actual' | 'interval' | 'n'>, none = 'none'): string {
  const v = gateValue(gate, g.actual, none);
  if (g.interval === null) return v;
  return `${v} [${gateValue(gate, g.interval.lower, 'none')}, ${gateValue(gate, g.interval.upper, 'none')}] (n = ${g.n}, ${pct(g.interval.coverage)})`;
}
