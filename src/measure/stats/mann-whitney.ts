/**
 * Mann–Whitney U test (Wilcoxon rank-sum), two-sided (Mann & Whitney 1947; Hollander &
 * Wolfe, *Nonparametric Statistical Methods*, ch. 4).
 *
 * U_A = R_A − n_A(n_A+1)/2 with R_A the sum of A's mid-ranks in the pooled sample; equal to
 * #{(a, b): a > b} + ½·#{a = b}. Under H0 (both samples from one continuous distribution):
 *  - exact: without ties and n_A·n_B ≤ 2500, P(U = u) from the recurrence
 *      p(m, n, u) = m/(m+n)·p(m−1, n, u−n) + n/(m+n)·p(m, n−1, u),
 *    two-sided p = min(1, 2·min(P(U ≤ u), P(U ≥ u)));
 *  - otherwise the normal approximation with tie correction and continuity correction
 *    (as R's wilcox.test): z = (|U − mn/2| − ½) / σ,
 *      σ² = mn/12 · ((N+1) − Σ(t³−t)/(N(N−1))),  t = sizes of tie groups, N = m+n.
 * Assumptions: observations independent; the test is about a shift in location (more
 * exactly P(A > B) ≠ ½), not about means.
 */
import { checkSample } from './check.ts';
import { normalCdf } from './normal.ts';

/** Largest n_A·n_B for which the exact null distribution is computed. */
export const EXACT_LIMIT = 2500;

export interface MannWhitney {
  nA: number;
  nB: number;
  /** U of sample A: pairs with a > b, ties counting ½. U_B = nA·nB − U_A. */
  uA: number;
  uB: number;
  pTwoSided: number;
  method: 'exact' | 'normal-approximation';
  /** The z statistic of the normal approximation (null when exact). */
  z: number | null;
  ties: boolean;
}

/** Mid-ranks (1-based) of `values`, and the sizes of the tie groups. */
export function midRanks(values: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];
  for (let s = 0; s < order.length; ) {
    let e = s;
    while (e + 1 < order.length && order[e + 1]!.v === order[s]!.v) e++;
    const rank = (s + e) / 2 + 1;
    for (let j = s; j <= e; j++) ranks[order[j]!.i] = rank;
    tieSizes.push(e - s + 1);
    s = e + 1;
  }
  return { ranks, tieSizes };
}

/**
 * Exact null distribution of U for sample sizes m and n without ties: element u is P(U = u),
 * u = 0 … m·n. Shared with the Hodges–Lehmann interval.
 */
export function uNullDistribution(m: number, n: number): number[] {
  // prev[j] holds the distribution for (i−1, j); cur builds (i, j) over j.
  let prev: number[][] = Array.from({ length: n + 1 }, () => [1]);
  for (let i = 1; i <= m; i++) {
    const cur: number[][] = [[1]];
    for (let j = 1; j <= n; j++) {
      const size = i * j + 1;
      const d = new Array<number>(size).fill(0);
      const a = prev[j]!;
      const b = cur[j - 1]!;
      const wa = i / (i + j);
      const wb = j / (i + j);
      for (let u = 0; u < size; u++) d[u] = wa * (u - j >= 0 ? a[u - j] ?? 0 : 0) + wb * (b[u] ?? 0);
      cur.push(d);
    }
    prev = cur;
  }
  return prev[n]!;
}

/** P(U ≤ u) from a distribution given by `uNullDistribution`. */
export function uCdf(dist: readonly number[], u: number): number {
  let s = 0;
  for (let i = 0; i <= Math.min(u, dist.length - 1); i++) s += dist[i]!;
  return Math.min(1, s);
}

/** Two-sided Mann–Whitney U test of A against B. Pure; exact for small samples without ties. */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitney {
  checkSample('mannWhitneyU', 'sample A', a);
  checkSample('mannWhitneyU', 'sample B', b);
  const m = a.length;
  const n = b.length;
  const { ranks, tieSizes } = midRanks([...a, ...b]);
  const rA = ranks.slice(0, m).reduce((s, r) => s + r, 0);
  const uA = rA - (m * (m + 1)) / 2;
  const uB = m * n - uA;
  const ties = tieSizes.some((t) => t > 1);
  if (!ties && m * n <= EXACT_LIMIT) {
    const dist = uNullDistribution(m, n);
    const lower = uCdf(dist, uA);
    const upper = 1 - uCdf(dist, uA - 1);
    return { nA: m, nB: n, uA, uB, pTwoSided: Math.min(1, 2 * Math.min(lower, upper)), method: 'exact', z: null, ties };
  }
  const N = m + n;
  const tieTerm = tieSizes.reduce((s, t) => s + t ** 3 - t, 0) / (N * (N - 1));
  const variance = ((m * n) / 12) * (N + 1 - tieTerm);
  if (variance <= 0) return { nA: m, nB: n, uA, uB, pTwoSided: 1, method: 'normal-approximation', z: 0, ties };
  const dev = Math.max(0, Math.abs(uA - (m * n) / 2) - 0.5);
  const z = dev / Math.sqrt(variance);
  return { nA: m, nB: n, uA, uB, pTwoSided: Math.min(1, 2 * (1 - normalCdf(z))), method: 'normal-approximation', z, ties };
}
