/**
 * The USL fit with a 95 % confidence band: a percentile bootstrap over the probe's steps
 * (Efron & Tibshirani 1993, ch. 13; resampling within each replica count, "stratified", so
 * every resample keeps the counts that were probed). Each resample is refitted with `fitUsl`;
 * the band at N is the α/2 and 1−α/2 quantiles of the refitted X(N), and the same for λ, σ, κ
 * and N*. Seeded: the same observations and seed give the same band.
 * Assumptions: the steps at one count are exchangeable repeated measurements; a count with a
 * single observation contributes no resampling spread (the band is then too narrow there —
 * `note` says so). Resamples that cannot be fitted are dropped and counted.
 */
import { quantileSorted } from 'simple-statistics';
import { HarnessError } from '../model/errors.ts';
import type { Range, UslBandPoint } from '../model/plan.ts';
import { resample, seededRng } from '../measure/stats/seeded-rng.ts';
import { fitUsl, type UslFit, type UslFitOptions, type UslObservations } from './usl-fit.ts';
import { uslPeakReplicas, uslThroughput } from './usl-model.ts';

export interface UslFitWithBand extends UslFit {
  band: UslBandPoint[];
  intervals: { lambdaRps: Range; sigma: Range; kappa: Range; peakReplicas: Range | null };
  bootstrap: { resamples: number; failed: number; seed: number; confidence: number };
}

export interface UslBandOptions extends UslFitOptions {
  /** Replica counts to predict at (default 1 … twice the largest probed). */
  replicas?: readonly number[];
  resamples?: number;
  seed?: number;
  confidence?: number;
}

function range(values: number[], alpha: number): Range {
  const s = [...values].sort((a, b) => a - b);
  const hi = quantileSorted(s, 1 - alpha / 2);
  return [quantileSorted(s, alpha / 2), Number.isFinite(hi) ? hi : null];
}

/** Fit plus bootstrap band. Throws what `fitUsl` throws for the full data. O(B × fit). */
export function fitUslWithBand(data: readonly UslObservations[], opts: UslBandOptions = {}): UslFitWithBand {
  const { resamples = 400, seed = 1, confidence = 0.95 } = opts;
  const fit = fitUsl(data, opts);
  const maxProbed = Math.max(...data.map((d) => d.replicas));
  const grid = opts.replicas ?? Array.from({ length: 2 * maxProbed }, (_, i) => i + 1);
  const rng = seededRng(seed);
  const fits: UslFit[] = [];
  let failed = 0;
  for (let b = 0; b < resamples; b++) {
    const drawn = data.map((d) => ({ replicas: d.replicas, throughputRps: resample(d.throughputRps, rng) }));
    try {
      // A resample is judged only on convergence: its R² may dip where the full fit's did not.
      fits.push(fitUsl(drawn, { ...opts, minRSquared: -Infinity }));
    } catch (e) {
      if (!(e instanceof HarnessError)) throw e;
      failed++;
    }
  }
  if (fits.length < Math.max(10, resamples / 2)) {
    throw new HarnessError(`fitUslWithBand: most bootstrap resamples must be fittable (got ${fits.length} of ${resamples})`, {
      code: 'usage',
      hint: 'hint: repeat the probe steps so each replica count has several observations',
    });
  }
  const alpha = 1 - confidence;
  const band = grid.map((n) => {
    const [lo, hi] = range(fits.map((f) => uslThroughput(f.params, n)), alpha);
    return { replicas: n, throughputRps: uslThroughput(fit.params, n), lowerRps: lo, upperRps: hi ?? lo };
  });
  const peaks = fits.map((f) => uslPeakReplicas(f.params) ?? Infinity);
  // A resample without a peak (κ = 0) has N* = ∞: an unbounded upper end is null (as in
  // `range`), and when even the lower end is ∞ — no resample peaks — there is no interval.
  const peakRange = fit.kappaFitted ? range(peaks, alpha) : null;
  const peakInterval = peakRange !== null && Number.isFinite(peakRange[0]) ? peakRange : null;
  const single = data.filter((d) => d.throughputRps.length < 2).map((d) => d.replicas);
  const notes = [fit.note, single.length > 0 ? `one observation at ${single.join(', ')} replicas: no spread there, the band is too narrow` : ''];
  return {
    ...fit,
    note: notes.filter((s) => s !== '').join('; '),
    band,
    intervals: {
      lambdaRps: range(fits.map((f) => f.params.lambdaRps), alpha),
      sigma: range(fits.map((f) => f.params.sigma), alpha),
      kappa: range(fits.map((f) => f.params.kappa), alpha),
      peakReplicas: peakInterval,
    },
    bootstrap: { resamples, failed, seed, confidence },
  };
}
