/**
 * The standard normal distribution, for the large-sample approximations of the rank tests
 * and for the repetition estimate.
 * Φ(z) = ½(1 + erf(z/√2)); erf is simple-statistics' (Numerical Recipes erfc Chebyshev
 * fit, fractional error < 1.2e-7). Φ⁻¹ starts from simple-statistics' probit (an
 * approximation good to about 1e-3) and is refined by Newton steps on Φ, so it is as exact
 * as Φ itself.
 */
import { errorFunction, probit } from 'simple-statistics';

/** Φ(z), the standard normal CDF. */
export function normalCdf(z: number): number {
  return 0.5 * (1 + errorFunction(z / Math.SQRT2));
}

/** φ(z), the standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Φ⁻¹(p) for 0 < p < 1 (e.g. 1.95996… for p = 0.975). */
export function normalQuantile(p: number): number {
  let z = probit(p);
  for (let i = 0; i < 3; i++) z -= (normalCdf(z) - p) / normalPdf(z);
  return z;
}

/** The two-sided critical value for a confidence level: z with P(|Z| ≤ z) = confidence. */
export function twoSidedZ(confidence: number): number {
  return normalQuantile(0.5 + confidence / 2);
}
