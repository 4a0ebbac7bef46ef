/**
 * Degraded time, beside downtime: the seconds in which more requests failed than the SLO's
 * error rate allows. Downtime counts only seconds with under half succeeding, so a partial
 * outage — a third of the pods dead behind an L4 balancer, 29 % of requests failing for
 * 40 s — reads 0 s of downtime; it reads 40 s degraded.
 *
 * Judged as downtime is (DESIGN.md): by the second a request started, a second without
 * starts by the users waiting through it, an unobserved second counted only inside a
 * degraded stretch; by completion second for runs saved without start seconds. The seconds
 * are counted by figures.ts's degradedTime(), with downtime's own stretch counting.
 */
import type { LoadSecond, StartSecond } from '../model/index.ts';

export interface Degradation {
  /** seconds whose error rate exceeded the SLO's */
  degradedS: number;
  /** the longest unbroken run of them */
  longestDegradedS: number;
}

/** `down` = degraded: the share of failures among the requests started in `s` (else among those waiting through it) exceeds `errorRate`. */
export function degradedStartState(s: StartSecond, errorRate: number): 'up' | 'down' | 'unobserved' {
  if (s.requests > 0) return s.failures / s.requests > errorRate ? 'down' : 'up';
  if (s.waiting > 0) return s.waitingFailures / s.waiting > errorRate ? 'down' : 'up';
  return 'unobserved';
}

/** A completion second (runs saved without start seconds) is degraded when its error rate exceeds `errorRate`, or nothing completed while users were active. */
export function isDegradedSecond(s: LoadSecond, errorRate: number): boolean {
  if (s.requests === 0) return s.vus > 0;
  return s.failures / s.requests > errorRate;
}

/**
 * Error rate of the requests that started in [fromS, toS) (completion seconds for runs saved
 * without start seconds); null when none did.
 */
export function startedErrorRate(o: { starts?: readonly StartSecond[]; load: readonly LoadSecond[] }, fromS: number, toS: number): number | null {
  const secs: ReadonlyArray<{ t: number; requests: number; failures: number }> = o.starts !== undefined && o.starts.length > 0 ? o.starts : o.load;
  let requests = 0;
  let failures = 0;
  for (const s of secs) {
    if (s.t < fromS || s.t >= toS) continue;
    requests += s.requests;
    failures += s.failures;
  }
  return requests === 0 ? null : failures / requests;
}
