/**
 * Per-replica capacity against a baseline: the λ of this plan's USL fit against the band of
 * the baseline's λ (both from `buildCapacityPlan`). A drop is flagged only when this λ falls
 * below the lower end of the baseline's 95 % interval; when the baseline's band has no spread
 * (one capacity figure per replica count), below the baseline λ by more than a fixed margin,
 * and the row says so. Pure.
 */
import type { CapacityPlan, CapacityRegression } from '../model/plan.ts';

/** the margin used when the baseline's band has no spread */
export const NO_SPREAD_MARGIN = 0.1;

export function capacityRegressions(plan: CapacityPlan, baseline: CapacityPlan): CapacityRegression[] {
  return plan.models.flatMap((m) => {
    const b = baseline.models.find((x) => x.target === m.target);
    if (!b) return [];
    const [lo, hi] = b.fit.intervals.lambdaRps;
    const noSpread = hi !== null && hi - lo <= 1e-9 * Math.max(1, Math.abs(hi));
    const floor = noSpread ? b.fit.params.lambdaRps * (1 - NO_SPREAD_MARGIN) : lo;
    return [{
      target: m.target,
      lambdaRps: m.fit.params.lambdaRps,
      baselineLambdaRps: b.fit.params.lambdaRps,
      baselineRange: [lo, hi],
      basis: noSpread ? 'fixed margin (the baseline band has no spread)' : 'band',
      flagged: m.fit.params.lambdaRps < floor,
      change: m.fit.params.lambdaRps / b.fit.params.lambdaRps - 1,
    }];
  });
}
