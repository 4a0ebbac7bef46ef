import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mannWhitneyU, midRanks, uNullDistribution } from './mann-whitney.ts';

const close = (a: number, b: number, tol = 1e-9): void => assert.ok(Math.abs(a - b) <= tol, `${a} ≈ ${b}`);

/** P(U = u) by enumerating every way to choose which m of m+n ranks belong to A. */
function bruteForce(m: number, n: number): number[] {
  const counts = new Array<number>(m * n + 1).fill(0);
  let total = 0;
  const choose = (start: number, left: number, picked: number[]): void => {
    if (left === 0) {
      const u = picked.reduce((s, r, i) => s + r - i, 0); // rank r (0-based) of the i-th A beats r − i of B
      counts[u]!++;
      total++;
      return;
    }
    for (let r = start; r < m + n; r++) choose(r + 1, left - 1, [...picked, r]);
  };
  choose(0, m, []);
  return counts.map((c) => c / total);
}

describe('exact null distribution of U', () => {
  it('equals enumeration of all rank assignments (m = 4, n = 3 and m = 2, n = 5)', () => {
    for (const [m, n] of [[4, 3], [2, 5], [3, 3]] as const) {
      const d = uNullDistribution(m, n);
      bruteForce(m, n).forEach((p, u) => close(d[u]!, p));
    }
  });
  it('3 vs 3: P(U = 0) = 1/20; 5 vs 5: P(U ≤ 2) = 4/252', () => {
    close(uNullDistribution(3, 3)[0]!, 1 / 20);
    const d = uNullDistribution(5, 5);
    close(d[0]! + d[1]! + d[2]!, 4 / 252);
    close(d.reduce((s, p) => s + p, 0), 1);
  });
});

describe('Mann–Whitney U test', () => {
  it('complete separation of 3 vs 3 gives the smallest exact p, 2/20 = 0.1 (R: W = 0, p = 0.1)', () => {
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    assert.equal(r.uA, 0);
    assert.equal(r.uB, 9);
    assert.equal(r.method, 'exact');
    close(r.pTwoSided, 0.1);
  });
  it('reproduces Hollander & Wolfe\'s example (R ?wilcox.test: W = 35, one-sided p = 0.1272)', () => {
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const r = mannWhitneyU(x, y);
    assert.equal(r.uA, 35);
    assert.equal(r.method, 'exact');
    assert.ok(Math.abs(r.pTwoSided - 2 * 0.1272) < 0.0002, String(r.pTwoSided));
  });
  it('is symmetric: swapping the samples swaps U and keeps p', () => {
    const a = [3.1, 4.7, 2.2, 5.9];
    const b = [6.3, 5.1, 7.4];
    const ab = mannWhitneyU(a, b);
    const ba = mannWhitneyU(b, a);
    assert.equal(ab.uA, ba.uB);
    close(ab.pTwoSided, ba.pTwoSided);
  });
  it('with ties uses the normal approximation with tie and continuity correction', () => {
    // pooled 1,2,2,3,3,4,4,5 → mid-ranks 1, 2.5, 2.5, 4.5, 4.5, 6.5, 6.5, 8; R_A = 10.5, U_A = 0.5.
    // σ² = 16/12 · (9 − 3·(2³−2)/(8·7)) = 11.5714…; z = (|0.5 − 8| − 0.5)/σ = 2.0578…
    const r = mannWhitneyU([1, 2, 2, 3], [3, 4, 4, 5]);
    assert.equal(r.method, 'normal-approximation');
    assert.equal(r.ties, true);
    assert.equal(r.uA, 0.5);
    const sigma = Math.sqrt((16 / 12) * (9 - 18 / 56));
    close(r.z!, 7 / sigma);
    close(r.pTwoSided, 0.0396, 5e-4);
  });
  it('all values equal: p = 1, no division by zero', () => {
    const r = mannWhitneyU([5, 5], [5, 5, 5]);
    assert.equal(r.pTwoSided, 1);
  });
  it('mid-ranks average over tie groups', () => {
    assert.deepEqual(midRanks([10, 20, 20, 5]), { ranks: [2, 3.5, 3.5, 1], tieSizes: [1, 1, 2] });
  });
});
