/**
 * Baseline comparison for `--baseline`: a regression is flagged only when the interval of
 * the difference says so, never on a fixed percentage.
 * The difference is the Hodges–Lehmann shift current − baseline with its distribution-free
 * interval (`hodgesLehmannShift`), turned into "worsening" by the figure's direction:
 *  - regressed: the whole interval of the worsening lies above `marginAbs` (default 0);
 *  - not-regressed: the interval reaches down to the margin (no evidence of a regression —
 *    which is not proof of none; the interval is reported);
 *  - cannot-tell: no interval, or one whose achieved coverage is below `minCoverage`
 *    (default 0.8: 2 runs against 2 reach only 66.7 %, 2 against 3 reach 80 %, 3 against 3 90 %).
 * The Mann–Whitney p-value is attached for readers who expect a test.
 * Assumptions: those of the Hodges–Lehmann interval (independent runs, a shift model).
 */
import { HarnessError, mustBe } from '../../model/errors.ts';
import type { Direction } from './gate.ts';
import { hodgesLehmannShift, type HodgesLehmann } from './hodges-lehmann.ts';
import { mannWhitneyU } from './mann-whitney.ts';
import { pct } from './median-interval.ts';

export type RegressionVerdict = 'regressed' | 'not-regressed' | 'cannot-tell';

export interface BaselineInput {
  baseline: readonly number[];
  current: readonly number[];
  direction: Direction;
  confidence?: number;
  /** Worsening (in the figure's unit) that counts as no regression; default 0. */
  marginAbs?: number;
  /** Smallest achieved coverage that may flag anything; default 0.8. */
  minCoverage?: number;
}

export interface BaselineComparison {
  verdict: RegressionVerdict;
  /** current − baseline, with its interval. */
  shift: HodgesLehmann;
  /** The interval of the worsening (positive = worse), null without an interval. */
  worsening: { estimate: number; lower: number; upper: number; coverage: number } | null;
  pTwoSided: number;
  reason: string;
}

/** Compares the repetitions of one figure against the baseline's. Pure. */
export function compareToBaseline(input: BaselineInput): BaselineComparison {
  const { baseline, current, direction, confidence = 0.95, marginAbs = 0, minCoverage = 0.8 } = input;
  if (!(marginAbs >= 0 && Number.isFinite(marginAbs))) {
    throw new HarnessError(mustBe('compareToBaseline', 'marginAbs', 'a finite number ≥ 0', marginAbs), { code: 'internal' });
  }
  const shift = hodgesLehmannShift(baseline, current, confidence);
  const pTwoSided = mannWhitneyU(current, baseline).pTwoSided;
  const iv = shift.interval;
  if (iv === null || iv.coverage < minCoverage) {
    const reach = iv === null ? 'no interval' : `an interval of ${pct(iv.coverage)} coverage at most`;
    return { verdict: 'cannot-tell', shift, worsening: null, pTwoSided, reason: `${baseline.length} baseline runs against ${current.length} give ${reach}; repeat both to compare` };
  }
  const sign = direction === 'lower-is-better' ? 1 : -1;
  const ends = [sign * iv.lower, sign * iv.upper].sort((a, b) => a - b) as [number, number];
  const worsening = { estimate: sign * shift.estimate, lower: ends[0], upper: ends[1], coverage: iv.coverage };
  const shown = `worsening ${worsening.estimate} [${ends[0]}, ${ends[1]}] (${pct(iv.coverage)})`;
  if (worsening.lower > marginAbs) return { verdict: 'regressed', shift, worsening, pTwoSided, reason: `${shown} lies entirely above ${marginAbs}` };
  return { verdict: 'not-regressed', shift, worsening, pTwoSided, reason: `${shown} reaches ${marginAbs} or below` };
}
