/**
 * Gates on repeated runs (DESIGN.md "Repeated runs"): a gate is PASS only when the worse end
 * of the median's interval meets the limit, FAIL only when its better end misses it,
 * otherwise INCONCLUSIVE — with an estimate of how many repetitions would likely resolve it.
 * The interval is the order-statistic interval of `medianInterval` (its achieved coverage is
 * reported: with 3–5 runs it is the full range, 75–93.75 %). A single run is decided on its
 * value alone and labelled `single-run`.
 * "Meets" is inclusive: lower-is-better passes at value ≤ limit, higher-is-better at ≥ limit.
 */
import { sampleStandardDeviation } from 'simple-statistics';
import { HarnessError, mustBe } from '../../model/errors.ts';
import { checkSample } from './check.ts';
import { medianInterval, pct, runsForCoverage } from './median-interval.ts';
import { twoSidedZ } from './normal.ts';

/** Which way is good for a figure: latency and error rate are lower-is-better, throughput higher. */
export type Direction = 'lower-is-better' | 'higher-is-better';
export type GateVerdict = 'PASS' | 'FAIL' | 'INCONCLUSIVE';

export interface GateInput {
  /** The figure of each repetition (e.g. p95Ms of each run). */
  values: readonly number[];
  limit: number;
  direction: Direction;
  confidence?: number;
}

export interface RepetitionEstimate {
  /** Total runs (not additional ones) likely to resolve the gate; null when no number would. */
  runs: number | null;
  method: 'normal-theory-median-se';
  reason: string;
}

export interface GateJudgement {
  verdict: GateVerdict;
  basis: 'interval' | 'single-run';
  n: number;
  median: number;
  /** Interval ends; both equal the value for a single run. */
  lower: number;
  upper: number;
  /** Achieved coverage of [lower, upper]; null for a single run. */
  coverage: number | null;
  limit: number;
  direction: Direction;
  /** Set only for INCONCLUSIVE. */
  toResolve: RepetitionEstimate | null;
  /** One sentence for the report. */
  reason: string;
}

/** Largest number of runs `repetitionsToResolve` will suggest. */
export const MAX_SUGGESTED_RUNS = 50;

const meets = (v: number, limit: number, d: Direction): boolean => (d === 'lower-is-better' ? v <= limit : v >= limit);

/** PASS / FAIL / INCONCLUSIVE for one figure of one target. Pure. */
export function judgeGate(input: GateInput): GateJudgement {
  const { values, limit, direction, confidence = 0.95 } = input;
  checkSample('judgeGate', 'values', values);
  if (!Number.isFinite(limit)) throw new HarnessError(mustBe('judgeGate', 'limit', 'a finite number', limit), { code: 'internal' });
  const e = medianInterval(values, confidence);
  const base = { n: e.n, median: e.median, limit, direction };
  if (e.interval === null) {
    const ok = meets(e.median, limit, direction);
    return {
      ...base,
      verdict: ok ? 'PASS' : 'FAIL',
      basis: 'single-run',
      lower: e.median,
      upper: e.median,
      coverage: null,
      toResolve: null,
      reason: `single run, no interval: ${e.median} ${ok ? 'meets' : 'misses'} the limit ${limit}`,
    };
  }
  const { lower, upper, coverage } = e.interval;
  const [worse, better] = direction === 'lower-is-better' ? [upper, lower] : [lower, upper];
  const shown = `[${lower}, ${upper}] (${pct(coverage)} interval, n = ${e.n})`;
  if (meets(worse, limit, direction)) {
    return { ...base, verdict: 'PASS', basis: 'interval', lower, upper, coverage, toResolve: null, reason: `worse end of ${shown} meets ${limit}` };
  }
  if (!meets(better, limit, direction)) {
    return { ...base, verdict: 'FAIL', basis: 'interval', lower, upper, coverage, toResolve: null, reason: `better end of ${shown} misses ${limit}` };
  }
  return {
    ...base,
    verdict: 'INCONCLUSIVE',
    basis: 'interval',
    lower,
    upper,
    coverage,
    toResolve: repetitionsToResolve({ values, limit, confidence }),
    reason: `${shown} contains the limit ${limit}`,
  };
}

/**
 * How many runs in total would likely make the interval clear the limit.
 * Method: the order-statistic interval of the median is, for large n, about
 * median ± z·√(π/2)·σ/√n (the asymptotic standard error of the median of a normal sample).
 * With σ estimated by the sample standard deviation of the runs so far and the median assumed
 * to stay where it is, the smallest n with z·√(π/2)·s/√n < |median − limit|; never fewer than
 * the runs whose widest interval reaches the confidence at all (6 for 95 %).
 * Assumptions: the spread of the runs so far is representative and roughly normal; a guess to
 * plan the next run, not a promise.
 */
export function repetitionsToResolve(input: { values: readonly number[]; limit: number; confidence?: number }): RepetitionEstimate {
  const { values, limit, confidence = 0.95 } = input;
  checkSample('repetitionsToResolve', 'values', values);
  const method = 'normal-theory-median-se' as const;
  if (values.length < 2) return { runs: null, method, reason: 'a single run shows no spread; run at least 3 to estimate one' };
  const m = medianInterval(values, confidence).median;
  const gap = Math.abs(m - limit);
  const s = sampleStandardDeviation([...values]);
  if (gap === 0) return { runs: null, method, reason: 'the median sits exactly on the limit; more runs will not move the verdict off it' };
  const floor = runsForCoverage(confidence);
  if (s === 0) return { runs: Math.max(floor, values.length), method, reason: 'all runs agree; the interval needs enough runs to reach its confidence' };
  const needed = Math.ceil(((twoSidedZ(confidence) * Math.sqrt(Math.PI / 2) * s) / gap) ** 2);
  const runs = Math.max(floor, needed, values.length + 1);
  if (runs > MAX_SUGGESTED_RUNS) {
    return { runs: null, method, reason: `the median is ${gap} from the limit with a spread of ${s.toPrecision(3)}: more than ${MAX_SUGGESTED_RUNS} runs would be needed` };
  }
  return { runs, method, reason: `median ${m} is ${gap} from the limit; with spread ${s.toPrecision(3)}, about ${runs} runs in total` };
}
