/**
 * How a capacity plan checks itself, saved in plan.json beside the plan: `verification`
 * (`capbench plan --verify`: the recommended size deployed and measured at the predicted
 * rate) and `holdOut` (the fit without the largest probed replica count, asked to predict
 * it). Plain data: src/plan computes it (verify-plan.ts, hold-out.ts), the CLI runs the
 * measurement, plan-files.ts and the report render it.
 */

/** What a verification or hold-out check concluded. */
export type CheckVerdict =
  /** the SLO was met at the predicted size and the predicted rate was carried */
  | 'pass'
  /** the measurement contradicts the prediction (SLO broken or the rate not carried) */
  | 'fail'
  /** the load generator or the host, not the app, limited the measurement: no verdict */
  | 'not-evidence';

/** One verification: the plan's size for one user count on one target, measured. */
export interface PlanVerification {
  target: string;
  users: number;
  /** replicas the plan recommends for `users` (deployed pinned to this count) */
  replicas: number;
  /** the run directory of the measurement (a capacity-scenario run of one steady step) */
  runDir: string;
  /** what the plan predicted: the users' request rate, and capacity at `replicas` (fit and 95 % band) */
  predicted: { rateRps: number; capacityRps: number; lowerRps: number; upperRps: number };
  /** the rate the steady load offered, req/s (the predicted rate, rounded to a whole request/s) */
  offeredRps: number;
  /** null when no step was measured (the run failed or was interrupted) */
  measured: {
    throughputRps: number;
    p95Ms: number | null;
    errorRate: number;
    requests: number;
    /** seconds measured (settling left out), and of them generator- / host-bound */
    measuredS: number;
    generatorBoundS: number;
    hostBoundS: number;
    bound: 'app' | 'generator' | 'host';
  } | null;
  slo: { p95Ms: number; errorRate: number };
  /** (measured throughput − offered rate) / offered rate × 100 (the rate the plan said this size carries); null without a measurement */
  errorPct: number | null;
  verdict: CheckVerdict;
  /** why, in words (names the limit broken, or which of generator/host was bound) */
  reason: string;
}

/** The hold-out self-check of one target (≥ 3 replica counts with capacity at SLO). */
export interface HoldOutCheck {
  target: string;
  /** the replica counts the fit used (every probed count but the largest) */
  fitOnCounts: number[];
  /** the largest probed count, left out of the fit */
  predictedCount: number;
  /** the fit's capacity at `predictedCount`, req/s, and its 95 % band */
  predicted: number;
  band: [number, number];
  /** measured capacity at SLO at `predictedCount` (mean of its observations); null = none measured */
  measured: number | null;
  /** (predicted − measured) / measured × 100; null without a measured figure */
  errorPct: number | null;
  /** |errorPct| ≤ 20; null when the measured figure is no evidence (see boundNote) */
  within20pct: boolean | null;
  /** set when the held-out count's figure is only a floor or missing: generator- or host-bound, saying which */
  boundNote: string | null;
}

/** The plan's self-checks; `CapacityPlan` extends this (one line, so the plan's types stay put). */
export interface PlanChecks {
  /** `--verify`'s result; null when the plan was not verified (`verificationNote` says why) */
  verification: PlanVerification | null;
  verificationNote: string;
  /** one per target whose runs cover ≥ 3 replica counts */
  holdOut: HoldOutCheck[];
  /** targets with fewer counts, and why there is no hold-out check for them */
  holdOutNotes: string[];
}
