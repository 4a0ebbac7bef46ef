/**
 * Percentile bootstrap interval of the median (Efron & Tibshirani, *An Introduction to the
 * Bootstrap*, 1993, ch. 13), seeded, for comparison with the order-statistic interval.
 *
 * Draw B resamples of the n runs with replacement, take each resample's median, and report
 * the α/2 and 1−α/2 quantiles (type 7, linear interpolation) of those B medians.
 * Assumptions: runs are i.i.d.; the coverage is nominal and only holds asymptotically — with
 * n = 3–5 the bootstrap medians take only a handful of distinct values and the interval
 * under-covers (it can never be wider than the sample range). Prefer `medianInterval` for the
 * verdict; this one is shown next to it, labelled as a bootstrap.
 */
import { median, quantileSorted } from 'simple-statistics';
import { checkConfidence, checkSample, sorted } from './check.ts';
import { SINGLE_RUN_NOTE } from './median-interval.ts';
import { resample, seededRng } from './seeded-rng.ts';

export interface BootstrapOptions {
  confidence?: number;
  /** B, the number of resamples (default 2000). */
  resamples?: number;
  /** Seed of the generator (default 1): the same input and seed give the same interval. */
  seed?: number;
}

export interface BootstrapMedian {
  n: number;
  median: number;
  /** null with one run. `confidence` here is nominal, not an achieved coverage. */
  interval: { lower: number; upper: number; confidence: number } | null;
  method: 'percentile-bootstrap';
  resamples: number;
  seed: number;
  note: string;
}

/** Pure and deterministic for a given seed; O(B·n log n). */
export function bootstrapMedianInterval(values: readonly number[], opts: BootstrapOptions = {}): BootstrapMedian {
  const { confidence = 0.95, resamples = 2000, seed = 1 } = opts;
  checkSample('bootstrapMedianInterval', 'values', values);
  checkConfidence('bootstrapMedianInterval', confidence);
  const m = median([...values]);
  const base = { n: values.length, median: m, method: 'percentile-bootstrap' as const, resamples, seed };
  if (values.length === 1) return { ...base, interval: null, note: SINGLE_RUN_NOTE };
  const rng = seededRng(seed);
  const medians = sorted(Array.from({ length: resamples }, () => median(resample(values, rng))));
  const alpha = 1 - confidence;
  return {
    ...base,
    interval: { lower: quantileSorted(medians, alpha / 2), upper: quantileSorted(medians, 1 - alpha / 2), confidence },
    note: values.length < 10 ? `percentile bootstrap with only ${values.length} runs under-covers; nominal ${Math.round(confidence * 100)} %` : '',
  };
}
