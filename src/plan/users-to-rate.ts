/**
 * Users ↔ requests/s for a closed workload, by Little's law applied to the whole user cycle
 * (the interactive response time law, Jain, *The Art of Computer Systems Performance
 * Analysis*, §33.3; Little 1961):
 *   X = N / (R + Z)
 * N users, each waiting R (response time) then thinking Z before the next request, send X
 * requests/s in the steady state; one user sends 1 / (R + Z).
 * Assumptions: steady state (arrivals balance completions), one request per cycle, R and Z
 * are means (a uniform think time [min, max] has mean (min + max)/2); timeouts count as R.
 */
import { HarnessError, mustBe } from '../model/errors.ts';

/** A think time as the profiles give it (uniform [min, max] ms) or its mean. */
export type ThinkTimeMs = number | { min: number; max: number };

export interface UserCycle {
  thinkTimeMs: ThinkTimeMs;
  /** Mean response time, ms. */
  responseTimeMs: number;
}

/** Mean of a think time: (min + max)/2 for a uniform range. */
export function meanThinkTimeMs(t: ThinkTimeMs): number {
  return typeof t === 'number' ? t : (t.min + t.max) / 2;
}

function cycleS(c: UserCycle): number {
  const z = meanThinkTimeMs(c.thinkTimeMs);
  if (!(Number.isFinite(z) && z >= 0)) throw new HarnessError(mustBe('userCycle', 'thinkTimeMs', 'finite and ≥ 0', c.thinkTimeMs), { code: 'internal' });
  if (!(Number.isFinite(c.responseTimeMs) && c.responseTimeMs >= 0)) throw new HarnessError(mustBe('userCycle', 'responseTimeMs', 'finite and ≥ 0', c.responseTimeMs), { code: 'internal' });
  const s = (z + c.responseTimeMs) / 1000;
  if (s === 0) throw new HarnessError(mustBe('userCycle', 'think time + response time', 'more than 0 ms', 0), { code: 'internal' });
  return s;
}

/** Requests/s one user sends: 1 / (R + Z). */
export function requestRatePerUser(c: UserCycle): number {
  return 1 / cycleS(c);
}

/** Requests/s of N users: N / (R + Z). */
export function usersToRequestRate(users: number, c: UserCycle): number {
  return users / cycleS(c);
}

/** Users that send X requests/s: X · (R + Z) (not rounded). */
export function requestRateToUsers(rps: number, c: UserCycle): number {
  return rps * cycleS(c);
}
