/**
 * Was a second measured by a generator that kept its schedule? Pure rules over the saved
 * series (load.ndjson + health.ndjson), so an old run is judged with today's bounds.
 *
 * - generator-bound: the load generator could not keep the schedule, so the second says
 *   something about the generator, not the app (never the app's capacity);
 * - host-bound: the machine's CPU was saturated (the app, the generator and everything else
 *   shared it), so neither side's figure is clean;
 * - a run with more than 5 % generator-bound seconds is INVALID as evidence.
 * docs/measurements.md ("Generator health") states the same bounds for readers.
 */
import type { GeneratorHealthSecond, LoadSecond } from '../model/index.ts';

export const GENERATOR_BOUNDS = {
  /** builtin driver: event-loop delay p99 above this, ms, means arrivals and timings slipped */
  loopDelayP99Ms: 50,
  /** builtin driver: harness CPU at or above this, % of one core, means its one JS thread is saturated */
  builtinCpuPercent: 90,
  /** k6: its CPU at or above this, % of all the machine's cores (k6 runs on every core), means it is saturated */
  k6CpuPercentOfCores: 90,
  /** host-bound: the machine's CPU busy at or above this, % of all cores */
  hostBusyPercent: 95,
  /** a run with more than this share of generator-bound seconds is INVALID */
  invalidShare: 0.05,
} as const;

export type GeneratorBoundCause = 'loop-delay' | 'generator-cpu' | 'dropped-arrivals';

export const CAUSE_TEXT: Readonly<Record<GeneratorBoundCause, string>> = {
  'loop-delay': `event-loop delay p99 > ${GENERATOR_BOUNDS.loopDelayP99Ms} ms`,
  'generator-cpu': 'generator CPU saturated',
  'dropped-arrivals': 'arrivals dropped (all maxVUs busy)',
};

export interface SecondHealth {
  t: number;
  /** why the generator could not keep its schedule in this second; empty = it could */
  generatorBound: GeneratorBoundCause[];
  /** the machine's CPU was ≥ hostBusyPercent busy */
  hostBound: boolean;
  /** a health record exists for this second (else only dropped arrivals were judged) */
  sampled: boolean;
}

export interface GeneratorJudgeInput {
  load: readonly LoadSecond[];
  health: readonly GeneratorHealthSecond[];
  /** which driver generated the load: decides whose CPU and loop count */
  driver: 'builtin' | 'k6';
  /** the machine's cores (RunRecord.machine.cores) */
  cores: number;
}

/** One judgement per load second, in the load's order. */
export function judgeSeconds(i: GeneratorJudgeInput): SecondHealth[] {
  const byT = new Map(i.health.map((h) => [h.t, h]));
  const b = GENERATOR_BOUNDS;
  return i.load.map((s) => {
    const h = byT.get(s.t);
    const causes: GeneratorBoundCause[] = [];
    if (h !== undefined && i.driver === 'builtin' && h.loopDelayP99Ms > b.loopDelayP99Ms) causes.push('loop-delay');
    if (h !== undefined && generatorCpuSaturated(h, i.driver, i.cores)) causes.push('generator-cpu');
    if ((s.dropped ?? 0) > 0) causes.push('dropped-arrivals');
    return { t: s.t, generatorBound: causes, hostBound: h !== undefined && h.hostBusyPercent !== null && h.hostBusyPercent >= b.hostBusyPercent, sampled: h !== undefined };
  });
}

function generatorCpuSaturated(h: GeneratorHealthSecond, driver: 'builtin' | 'k6', cores: number): boolean {
  if (driver === 'builtin') return h.harnessCpuPercent >= GENERATOR_BOUNDS.builtinCpuPercent;
  return h.k6CpuPercent !== undefined && h.k6CpuPercent >= GENERATOR_BOUNDS.k6CpuPercentOfCores * Math.max(1, cores);
}

export interface GeneratorValidity {
  /** invalid: more than 5 % generator-bound seconds; unknown: no health was recorded and nothing was dropped */
  status: 'valid' | 'invalid' | 'unknown';
  /** load seconds judged */
  seconds: number;
  /** of them, with a health record */
  sampledS: number;
  generatorBoundS: number;
  hostBoundS: number;
  /** generatorBoundS / seconds (0 when no second) */
  generatorBoundShare: number;
  /** generator-bound seconds per cause (a second may have several) */
  byCause: Record<GeneratorBoundCause, number>;
  /** for INVALID, one sentence that says why; else null */
  reason: string | null;
}

/** The INVALID rule: more than GENERATOR_BOUNDS.invalidShare of the seconds generator-bound. */
export function generatorValidity(judged: readonly SecondHealth[]): GeneratorValidity {
  const byCause: Record<GeneratorBoundCause, number> = { 'loop-delay': 0, 'generator-cpu': 0, 'dropped-arrivals': 0 };
  let bound = 0;
  let host = 0;
  let sampled = 0;
  for (const s of judged) {
    if (s.generatorBound.length > 0) bound++;
    if (s.hostBound) host++;
    if (s.sampled) sampled++;
    for (const c of s.generatorBound) byCause[c]++;
  }
  const seconds = judged.length;
  const share = seconds === 0 ? 0 : bound / seconds;
  const invalid = share > GENERATOR_BOUNDS.invalidShare;
  const causes = (Object.keys(byCause) as GeneratorBoundCause[]).filter((c) => byCause[c] > 0).map((c) => `${CAUSE_TEXT[c]} in ${byCause[c]} s`);
  return {
    status: invalid ? 'invalid' : sampled === 0 ? 'unknown' : 'valid',
    seconds,
    sampledS: sampled,
    generatorBoundS: bound,
    hostBoundS: host,
    generatorBoundShare: share,
    byCause,
    reason: invalid
      ? `the load generator could not keep its schedule in ${bound} of ${seconds} s (${(100 * share).toFixed(1)} % > ${100 * GENERATOR_BOUNDS.invalidShare} %): ${causes.join(', ')}`
      : null,
  };
}
