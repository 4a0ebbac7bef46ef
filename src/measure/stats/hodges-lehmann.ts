/**
 * Hodges–Lehmann estimate of the shift between two samples, with its distribution-free
 * confidence interval from the Mann–Whitney U distribution (Hodges & Lehmann 1963;
 * Hollander & Wolfe, *Nonparametric Statistical Methods*, §4.3; Bauer 1972).
 *
 * Shift Δ = B − A ("how much larger B is"). The m·n differences d = b_j − a_i, sorted
 * d(1) ≤ … ≤ d(mn). Estimate: their median. Interval: [d(k), d(mn−k+1)] with
 *   coverage = 1 − 2·P(U ≤ k−1)
 * under the exact null distribution of U (n_A·n_B ≤ 2500) — we take the largest k whose
 * coverage reaches the confidence asked for, or k = 1 and its (lower) coverage when none
 * does: 3 runs against 3 reach 90 % at most, 5 against 5 reach 96.8 % (k = 3). For larger
 * samples k = ⌊mn/2 − z·√(mn(m+n+1)/12)⌋ (normal approximation, nominal coverage).
 * Assumptions: independent samples whose distributions differ only by a shift; ties make
 * the coverage approximate.
 */
import { median } from 'simple-statistics';
import { checkConfidence, checkSample } from './check.ts';
import { EXACT_LIMIT, uCdf, uNullDistribution } from './mann-whitney.ts';
import { twoSidedZ } from './normal.ts';

export interface ShiftInterval {
  lower: number;
  upper: number;
  /** Coverage actually achieved (exact method), or the nominal confidence (normal approximation). */
  coverage: number;
  meetsConfidence: boolean;
  /** 1-based ranks of the ends among the sorted m·n differences. */
  ranks: [number, number];
}

export interface HodgesLehmann {
  nA: number;
  nB: number;
  /** Median of all differences b − a. */
  estimate: number;
  /** null when no interval has positive coverage (one run on each side). */
  interval: ShiftInterval | null;
  method: 'exact-u' | 'normal-approximation';
}

/** Shift of B relative to A with its interval. Pure; O(mn log mn). */
export function hodgesLehmannShift(a: readonly number[], b: readonly number[], confidence = 0.95): HodgesLehmann {
  checkSample('hodgesLehmannShift', 'sample A', a);
  checkSample('hodgesLehmannShift', 'sample B', b);
  checkConfidence('hodgesLehmannShift', confidence);
  const m = a.length;
  const n = b.length;
  const diffs: number[] = [];
  for (const y of b) for (const x of a) diffs.push(y - x);
  diffs.sort((p, q) => p - q);
  const mn = diffs.length;
  const estimate = median(diffs);
  const at = (k: number, coverage: number): ShiftInterval => ({
    lower: diffs[k - 1]!,
    upper: diffs[mn - k]!,
    coverage,
    meetsConfidence: coverage >= confidence,
    ranks: [k, mn - k + 1],
  });
  if (mn <= EXACT_LIMIT) {
    const dist = uNullDistribution(m, n);
    const coverageOf = (k: number): number => 1 - 2 * uCdf(dist, k - 1);
    let k = 1;
    while (k + 1 <= Math.floor((mn + 1) / 2) && coverageOf(k + 1) >= confidence) k++;
    const coverage = coverageOf(k);
    return { nA: m, nB: n, estimate, interval: coverage > 0 ? at(k, coverage) : null, method: 'exact-u' };
  }
  const k = Math.max(1, Math.floor((mn / 2) - twoSidedZ(confidence) * Math.sqrt((mn * (m + n + 1)) / 12)));
  return { nA: m, nB: n, estimate, interval: at(k, confidence), method: 'normal-approximation' };
}
