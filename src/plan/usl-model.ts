/**
 * The Universal Scalability Law (N. J. Gunther, *Guerrilla Capacity Planning*, 2007, ch. 4):
 *   X(N) = λN / (1 + σ(N−1) + κN(N−1))
 * X: throughput with N replicas; λ: throughput of one replica; σ: contention (the share of
 * work that serialises, 0 ≤ σ ≤ 1); κ: coherency (the cost of keeping N replicas in step,
 * κ ≥ 0). With κ > 0 throughput peaks at N* = √((1−σ)/κ) and falls beyond it; with κ = 0 it
 * rises towards λ/σ (Amdahl's law) and has no peak.
 */
import type { UslParams } from '../model/plan.ts';

/** X(N) for real N ≥ 1 (replica counts are integers, the curve is drawn through them). */
export function uslThroughput(p: UslParams, replicas: number): number {
  return (p.lambdaRps * replicas) / (1 + p.sigma * (replicas - 1) + p.kappa * replicas * (replicas - 1));
}

/**
 * N*, the replica count beyond which adding replicas lowers throughput: √((1−σ)/κ), at least 1.
 * null when κ = 0 (no peak: throughput keeps rising towards λ/σ).
 */
export function uslPeakReplicas(p: UslParams): number | null {
  if (p.kappa <= 0) return null;
  return Math.max(1, Math.sqrt(Math.max(0, 1 - p.sigma) / p.kappa));
}

/** ∂X/∂(λ, σ, κ) at N, for the least-squares fit. */
export function uslGradient(p: UslParams, replicas: number): [number, number, number] {
  const n = replicas;
  const d = 1 + p.sigma * (n - 1) + p.kappa * n * (n - 1);
  const x = (p.lambdaRps * n) / d;
  return [n / d, (-x * (n - 1)) / d, (-x * n * (n - 1)) / d];
}
