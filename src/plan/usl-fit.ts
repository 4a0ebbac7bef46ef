/**
 * Fits the Universal Scalability Law (usl-model.ts) to capacity-at-SLO observations by
 * nonlinear least squares: minimise Σ (x_i − X(N_i; λ, σ, κ))² over every observation, with
 * λ > 0, 0 ≤ σ ≤ 1, κ ≥ 0. Method: Levenberg–Marquardt (Marquardt 1963, with his scaling by
 * diag(JᵀJ)) with an analytic Jacobian; bounds are kept by an active set (a parameter on its
 * bound whose gradient points outwards is held there) and projection. Started from the
 * linearised model λ₀N/x − 1 = σ(N−1) + κN(N−1) at several λ₀; the best converged start wins.
 * With ≥ 3 replica counts σ and κ are fitted; with 2, κ is fixed at 0 and only λ, σ are
 * fitted (`kappaFitted: false` says so). Hand-written rather than ml-levenberg-marquardt:
 * three parameters with an exact Jacobian and bounds need ~100 lines, while that library
 * differentiates numerically with one fixed step for all parameters (λ ≈ 10², κ ≈ 10⁻³).
 * Assumptions: observations independent with equal variance; the replicas are the only
 * thing that changes between counts (same hardware share per replica, no other bottleneck).
 */
import { HarnessError, mustBe } from '../model/errors.ts';
import type { UslParams } from '../model/plan.ts';
import { uslGradient, uslPeakReplicas, uslThroughput } from './usl-model.ts';

/** The probe's steps at one replica count: every capacity-at-SLO observation made there. */
export interface UslObservations {
  replicas: number;
  throughputRps: readonly number[];
}

export interface UslFit {
  params: UslParams;
  /** false when only 2 replica counts were probed: κ is then fixed at 0, not estimated. */
  kappaFitted: boolean;
  /** N* (real-valued), null without a peak (κ = 0). */
  peakReplicas: number | null;
  /** X(N*), null without a peak. */
  peakThroughputRps: number | null;
  /** 1 − SSE/SST over all observations. */
  rSquared: number;
  residualRmsRps: number;
  counts: number;
  observations: number;
  iterations: number;
  note: string;
}

export interface UslFitOptions {
  /** Below this R² the data is too noisy to fit (default 0.5; only checked with ≥ 3 counts). */
  minRSquared?: number;
  maxIterations?: number;
}

const WHERE = 'fitUsl';
const HINT = 'hint: probe at least three replica counts (e.g. 1, 2, 4) so σ and κ can both be fitted';

/** Flattened, checked input: replica count and throughput of each observation. */
function points(data: readonly UslObservations[]): { n: number[]; x: number[]; counts: number[] } {
  const n: number[] = [];
  const x: number[] = [];
  for (const d of data) {
    if (!(Number.isInteger(d.replicas) && d.replicas >= 1)) {
      throw new HarnessError(mustBe(WHERE, 'replicas', 'an integer ≥ 1', d.replicas), { code: 'internal' });
    }
    for (const v of d.throughputRps) {
      if (!(Number.isFinite(v) && v >= 0)) throw new HarnessError(mustBe(WHERE, `throughputRps at ${d.replicas} replicas`, 'finite and ≥ 0', v), { code: 'internal' });
      n.push(d.replicas);
      x.push(v);
    }
  }
  const counts = [...new Set(n)].sort((a, b) => a - b);
  return { n, x, counts };
}

const sse = (p: UslParams, n: readonly number[], x: readonly number[]): number => n.reduce((s, ni, i) => s + (x[i]! - uslThroughput(p, ni)) ** 2, 0);

const toParams = (t: readonly number[]): UslParams => ({ lambdaRps: t[0]!, sigma: t[1]!, kappa: t[2]! });
const LOWER = [1e-12, 0, 0];
const UPPER = [Infinity, 1, Infinity];
const clamp = (v: number, j: number): number => Math.min(UPPER[j]!, Math.max(LOWER[j]!, v));

/** Solves A·δ = g for a small dense system (Gaussian elimination with partial pivoting); null if singular. */
function solve(a: number[][], g: number[]): number[] | null {
  const k = g.length;
  const m = a.map((row, i) => [...row, g[i]!]);
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    if (Math.abs(m[piv]![c]!) < 1e-300) return null;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    for (let r = c + 1; r < k; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let j = c; j <= k; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  const out = new Array<number>(k).fill(0);
  for (let r = k - 1; r >= 0; r--) {
    let s = m[r]![k]!;
    for (let j = r + 1; j < k; j++) s -= m[r]![j]! * out[j]!;
    out[r] = s / m[r]![r]!;
  }
  return out;
}

/** One Levenberg–Marquardt descent from `start`; converged false when it ran out of iterations. */
function levenbergMarquardt(start: number[], fitKappa: boolean, n: readonly number[], x: readonly number[], maxIterations: number): { theta: number[]; cost: number; converged: boolean; iterations: number } {
  let theta = start.map(clamp);
  let cost = sse(toParams(theta), n, x);
  let mu = 1e-3;
  for (let it = 1; it <= maxIterations; it++) {
    const jtj = [0, 1, 2].map(() => [0, 0, 0]);
    const jtr = [0, 0, 0];
    n.forEach((ni, i) => {
      const p = toParams(theta);
      const gr = uslGradient(p, ni);
      const r = x[i]! - uslThroughput(p, ni);
      for (let a = 0; a < 3; a++) {
        jtr[a]! += gr[a]! * r;
        for (let b = 0; b < 3; b++) jtj[a]![b]! += gr[a]! * gr[b]!;
      }
    });
    // Active set: hold a parameter on its bound when the descent direction leaves the box.
    const free = [0, 1, 2].filter((j) => {
      if (j === 2 && !fitKappa) return false;
      if (theta[j]! <= LOWER[j]! && jtr[j]! < 0) return false;
      if (theta[j]! >= UPPER[j]! && jtr[j]! > 0) return false;
      return true;
    });
    if (free.length === 0 || cost === 0) return { theta, cost, converged: true, iterations: it };
    let accepted = false;
    while (mu < 1e20) {
      const a = free.map((r) => free.map((c) => jtj[r]![c]! + (r === c ? mu * Math.max(jtj[r]![r]!, 1e-300) : 0)));
      const delta = solve(a, free.map((j) => jtr[j]!));
      if (delta === null) {
        mu *= 10;
        continue;
      }
      const next = [...theta];
      free.forEach((j, i) => (next[j] = clamp(theta[j]! + delta[i]!, j)));
      const nextCost = sse(toParams(next), n, x);
      if (Number.isFinite(nextCost) && nextCost < cost) {
        const gain = (cost - nextCost) / cost;
        theta = next;
        cost = nextCost;
        mu = Math.max(mu / 3, 1e-12);
        accepted = true;
        if (gain < 1e-12) return { theta, cost, converged: true, iterations: it };
        break;
      }
      mu *= 4;
    }
    // No step lowers the cost at any damping: a (bounded) stationary point.
    if (!accepted) return { theta, cost, converged: true, iterations: it };
  }
  return { theta, cost, converged: false, iterations: maxIterations };
}

/** σ, κ ≥ 0 minimising Σ (z − σ·u − κ·v)² (two-variable non-negative least squares by cases). */
function nonNegative2(u: readonly number[], v: readonly number[], z: readonly number[], fitKappa: boolean): [number, number] {
  const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((s, ai, i) => s + ai * b[i]!, 0);
  const one = (a: readonly number[]): number => Math.max(0, dot(a, z) / Math.max(dot(a, a), 1e-300));
  const cost = (s: number, k: number): number => z.reduce((acc, zi, i) => acc + (zi - s * u[i]! - k * v[i]!) ** 2, 0);
  const options: Array<[number, number]> = [[one(u), 0]];
  if (fitKappa) {
    options.push([0, one(v)]);
    const uu = dot(u, u), vv = dot(v, v), uv = dot(u, v), uz = dot(u, z), vz = dot(v, z);
    const det = uu * vv - uv * uv;
    if (Math.abs(det) > 1e-300) {
      const s = (uz * vv - vz * uv) / det;
      const k = (vz * uu - uz * uv) / det;
      if (s >= 0 && k >= 0) options.push([s, k]);
    }
  }
  return options.reduce((best, o) => (cost(o[0], o[1]) < cost(best[0], best[1]) ? o : best));
}

/** Fits λ, σ, κ; throws HarnessError when the data cannot carry a fit. Pure, deterministic. */
export function fitUsl(data: readonly UslObservations[], opts: UslFitOptions = {}): UslFit {
  const { minRSquared = 0.5, maxIterations = 500 } = opts;
  const { n, x, counts } = points(data);
  if (counts.length < 2) {
    throw new HarnessError(mustBe(WHERE, 'the replica counts probed', 'at least 2 different counts', counts), { code: 'usage', hint: HINT });
  }
  const fitKappa = counts.length >= 3;
  const means = counts.map((c) => {
    const xs = x.filter((_, i) => n[i] === c);
    return xs.reduce((s, v) => s + v, 0) / xs.length;
  });
  const grand = x.reduce((s, v) => s + v, 0) / x.length;
  if (Math.max(...means) - Math.min(...means) <= 1e-9 * Math.max(Math.abs(grand), 1e-12)) {
    throw new HarnessError(`${WHERE}: throughput must change with the replica count to fit a scalability curve (got ${grand} req/s at every count ${counts.join(', ')})`, {
      code: 'usage',
      hint: 'hint: the bottleneck is not in the replicas (database, load generator, host?); check the probe steps were not generator-bound',
    });
  }
  const first = counts[0]!;
  const base = means[0]! / first;
  let best: ReturnType<typeof levenbergMarquardt> | null = null;
  for (const factor of [1, 1.25, 1.6, 2.5, 4]) {
    const lambda0 = Math.max(base * factor, 1e-9);
    const rows = counts.map((c, i) => ({ u: c - 1, v: c * (c - 1), z: (lambda0 * c) / Math.max(means[i]!, 1e-12) - 1 }));
    const [s0, k0] = nonNegative2(rows.map((r) => r.u), rows.map((r) => r.v), rows.map((r) => r.z), fitKappa);
    const run = levenbergMarquardt([lambda0, Math.min(s0, 0.99), fitKappa ? k0 : 0], fitKappa, n, x, maxIterations);
    if (run.converged && Number.isFinite(run.cost) && (best === null || run.cost < best.cost)) best = run;
  }
  if (best === null || !best.theta.every(Number.isFinite)) {
    throw new HarnessError(`${WHERE}: the least-squares fit must converge (it did not within ${maxIterations} iterations from any start)`, { code: 'internal', hint: HINT });
  }
  const params = toParams(best.theta);
  const sst = x.reduce((s, v) => s + (v - grand) ** 2, 0);
  const rSquared = sst === 0 ? 1 : 1 - best.cost / sst;
  if (fitKappa && rSquared < minRSquared) {
    throw new HarnessError(`${WHERE}: the fit must explain at least ${minRSquared * 100} % of the variation (got R² = ${rSquared.toFixed(3)}: noise dominates)`, {
      code: 'usage',
      hint: 'hint: repeat the probe steps or probe replica counts further apart',
    });
  }
  const peakReplicas = uslPeakReplicas(params);
  const notes: string[] = [];
  if (!fitKappa) notes.push('only 2 replica counts: κ fixed at 0, σ fitted alone; no peak can be found');
  if (params.sigma >= 1) notes.push('σ = 1: adding replicas adds no throughput');
  return {
    params,
    kappaFitted: fitKappa,
    peakReplicas,
    peakThroughputRps: peakReplicas === null ? null : uslThroughput(params, peakReplicas),
    rSquared,
    residualRmsRps: Math.sqrt(best.cost / x.length),
    counts: counts.length,
    observations: x.length,
    iterations: best.iterations,
    note: notes.join('; '),
  };
}
