/**
 * Test kit: the fixture app's deterministic latency mix. A mix is a list of service times
 * with integer weights; it is laid out as a repeating cycle (length = sum of weights) in
 * which every value appears exactly `weight` times, spread evenly (nginx's smooth weighted
 * round-robin order), so any whole number of cycles has exactly the mix's distribution and
 * a short stretch has nearly it. Percentiles are nearest-rank (the smallest value with at
 * least p % of the weight at or below it), the definition HDR histograms approximate.
 */
import { HarnessError } from '../../model/index.ts';

/** One service time of the mix and how many times it occurs per cycle. */
export interface MixStep {
  /** service time, ms (before the latency factor) */
  ms: number;
  /** occurrences per cycle, a positive integer */
  weight: number;
}

export type LatencyMix = readonly MixStep[];

/**
 * The default mix (100-long cycle, mean 58.6 ms). Its cumulative shares (35, 70, 92, 97,
 * 100 %) keep p50, p95 and p99 ≥ 2 points away from every step's edge, so the percentiles are the
 * same whichever estimator (nearest-rank, HDR, interpolating) reads a whole cycle or more:
 * p50 = 40 ms, p95 = 160 ms, p99 = 400 ms.
 */
export const defaultMix: LatencyMix = [
  { ms: 20, weight: 35 },
  { ms: 40, weight: 35 },
  { ms: 80, weight: 22 },
  { ms: 160, weight: 5 },
  { ms: 400, weight: 3 },
];

/** Longest cycle a mix may have (sum of weights). */
export const MAX_CYCLE = 10_000;

/** Throws HarnessError (usage) unless `mix` is a non-empty list of {ms ≥ 0, weight integer ≥ 1}. */
export function validateMix(mix: unknown, where = 'fixture app'): asserts mix is LatencyMix {
  const bad = (what: string, expected: string, got: unknown): never => {
    throw new HarnessError(`${where}: ${what} must be ${expected} (got ${JSON.stringify(got)})`, { code: 'usage', hint: 'e.g. mix: [{ ms: 20, weight: 9 }, { ms: 200, weight: 1 }]' });
  };
  if (!Array.isArray(mix) || mix.length === 0) bad('mix', 'a non-empty list of { ms, weight }', mix);
  let total = 0;
  (mix as unknown[]).forEach((s, i) => {
    const step = s as Partial<MixStep> | null;
    if (!(typeof step?.ms === 'number' && Number.isFinite(step.ms) && step.ms >= 0 && step.ms <= 600_000)) bad(`mix[${i}].ms`, 'a number of ms in [0, 600000]', step?.ms);
    if (!(typeof step?.weight === 'number' && Number.isInteger(step.weight) && step.weight >= 1)) bad(`mix[${i}].weight`, 'a positive integer', step?.weight);
    total += step!.weight!;
  });
  if (total > MAX_CYCLE) bad('sum of mix weights', `at most ${MAX_CYCLE}`, total);
}

/**
 * The cycle of service times (ms, factor 1): `weight` copies of each step, in smooth
 * weighted round-robin order (each turn every step gains its weight, the richest is
 * picked and pays the total; ties go to the earlier step).
 */
export function mixCycle(mix: LatencyMix): number[] {
  const total = mix.reduce((s, x) => s + x.weight, 0);
  const current = mix.map(() => 0);
  const out: number[] = [];
  for (let k = 0; k < total; k++) {
    let best = 0;
    mix.forEach((x, i) => {
      current[i]! += x.weight;
      if (current[i]! > current[best]!) best = i;
    });
    current[best]! -= total;
    out.push(mix[best]!.ms);
  }
  return out;
}

/** Nearest-rank percentile of ascending `sorted` values (p in [0, 100]); null when empty. */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Exact percentile of the mix's service times × `factor`, ms (nearest-rank over one cycle). */
export function mixPercentileMs(mix: LatencyMix, p: number, factor = 1): number {
  const sorted = [...mix].sort((a, b) => a.ms - b.ms);
  const total = sorted.reduce((s, x) => s + x.weight, 0);
  const need = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const x of sorted) {
    seen += x.weight;
    if (seen >= need) return x.ms * factor;
  }
  return sorted[sorted.length - 1]!.ms * factor;
}

/** Mean service time of the mix × `factor`, ms. */
export function mixMeanMs(mix: LatencyMix, factor = 1): number {
  const total = mix.reduce((s, x) => s + x.weight, 0);
  return (mix.reduce((s, x) => s + x.ms * x.weight, 0) / total) * factor;
}

/** "20 ms ×35, 40 ms ×35, …" for descriptions and messages. */
export function describeMix(mix: LatencyMix): string {
  return mix.map((x) => `${x.ms} ms ×${x.weight}`).join(', ');
}
