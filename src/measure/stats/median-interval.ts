/**
 * Distribution-free confidence interval for the median from order statistics
 * (e.g. Conover, *Practical Nonparametric Statistics*, 3rd ed., §3.2; Hollander & Wolfe).
 *
 * For a sorted sample x(1) ≤ … ≤ x(n) of independent draws from a continuous distribution,
 * the number of values below the true median is Binomial(n, ½), so
 *   P( x(k) ≤ median ≤ x(n−k+1) ) = 1 − 2·P(B ≤ k−1),  B ~ Binomial(n, ½).
 * We take the largest k whose coverage still reaches the requested confidence; when even
 * k = 1 (the whole range) does not, we use the range and report the coverage it does reach:
 * with n = 5 that is 1 − 2/32 = 93.75 %, never "95 %". n ≥ 6 reaches 95 % (96.875 %).
 * Assumptions: runs are independent and identically distributed (no drift between
 * repetitions); ties make the stated coverage conservative, not wrong.
 */
import { median } from 'simple-statistics';
import { checkConfidence, checkSample, sorted } from './check.ts';

/** What a single run gets instead of an interval (the wording, shown as is). */
export const SINGLE_RUN_NOTE = 'single run, no interval';

export interface MedianInterval {
  lower: number;
  upper: number;
  /** The coverage this interval actually has (may be below the confidence asked for). */
  coverage: number;
  /** True when `coverage` ≥ the confidence asked for. */
  meetsConfidence: boolean;
  /** 1-based ranks of the ends in the sorted sample: [k, n−k+1]. */
  ranks: [number, number];
}

export interface MedianEstimate {
  n: number;
  median: number;
  /** null with one run (`note` says so). */
  interval: MedianInterval | null;
  method: 'order-statistic';
  /** `SINGLE_RUN_NOTE`, or why the coverage is below what was asked; '' otherwise. */
  note: string;
}

/** P(B ≤ k) for B ~ Binomial(n, p); 0 for k < 0. Summed in log space so large n does not underflow. */
export function binomialCdf(k: number, n: number, p = 0.5): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let logPmf = n * Math.log1p(-p);
  let sum = Math.exp(logPmf);
  for (let i = 0; i < k; i++) {
    logPmf += Math.log((n - i) / (i + 1)) + Math.log(p) - Math.log1p(-p);
    sum += Math.exp(logPmf);
  }
  return Math.min(1, sum);
}

/** Coverage of [x(k), x(n−k+1)] for the median of n values: 1 − 2·P(B ≤ k−1). */
export function orderStatisticCoverage(n: number, k: number): number {
  return 1 - 2 * binomialCdf(k - 1, n);
}

/** The smallest number of runs whose widest order-statistic interval reaches `confidence` (6 for 95 %). */
export function runsForCoverage(confidence = 0.95): number {
  checkConfidence('runsForCoverage', confidence);
  let n = 1;
  while (orderStatisticCoverage(n, 1) < confidence) n++;
  return n;
}

/**
 * Median of repeated runs with its order-statistic interval. Called by whoever summarises
 * repetitions (run, report, gates); pure, no I/O.
 */
export function medianInterval(values: readonly number[], confidence = 0.95): MedianEstimate {
  checkSample('medianInterval', 'values', values);
  checkConfidence('medianInterval', confidence);
  const x = sorted(values);
  const n = x.length;
  const m = median(x);
  if (n === 1) return { n, median: m, interval: null, method: 'order-statistic', note: SINGLE_RUN_NOTE };
  let k = 1;
  while (k + 1 <= Math.floor((n + 1) / 2) && orderStatisticCoverage(n, k + 1) >= confidence) k++;
  const coverage = orderStatisticCoverage(n, k);
  const meetsConfidence = coverage >= confidence;
  const note = meetsConfidence
    ? ''
    : `${n} runs reach ${pct(coverage)} coverage at most (the full range); ${runsForCoverage(confidence)} runs reach ${pct(confidence)}`;
  return {
    n,
    median: m,
    interval: { lower: x[k - 1]!, upper: x[n - k]!, coverage, meetsConfidence, ranks: [k, n - k + 1] },
    method: 'order-statistic',
    note,
  };
}

/** 0.9375 → "93.75 %" (trailing zeros dropped). */
export function pct(p: number): string {
  return `${Number((p * 100).toFixed(2))} %`;
}
