/**
 * Between two replica counts the app must have worked off the queue the last overloaded
 * steps left: an app keeps serving requests whose clients gave up (k6 drops its in-flight
 * requests when it is stopped), and that backlog would land on the next count's first steps.
 * The probe measures the idle latency of one request before the first count, and after each
 * count waits until `n` requests in a row (one per replica, round-robin) answer about as fast.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Latency of one GET, ms; null when it failed or took longer than `timeoutMs`. */
async function once(url: string, timeoutMs: number): Promise<number | null> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok ? performance.now() - t0 : null;
  } catch {
    return null;
  }
}

/** Median latency of `count` sequential requests, ms; null when most failed. */
export async function idleLatencyMs(url: string, count = 5, timeoutMs = 5000): Promise<number | null> {
  const got: number[] = [];
  for (let i = 0; i < count; i++) {
    const ms = await once(url, timeoutMs);
    if (ms !== null) got.push(ms);
  }
  if (got.length * 2 < count) return null;
  got.sort((a, b) => a - b);
  return got[Math.floor(got.length / 2)]!;
}

/** The latency a drained app answers within: twice the idle latency, and at least 20 ms above it. */
export function drainedBelowMs(idleMs: number): number {
  return Math.max(2 * idleMs, idleMs + 20);
}

/**
 * Waits until `inARow` consecutive requests answer within drainedBelowMs(idleMs), polling
 * every 200 ms, for at most `deadlineMs`. Returns whether it drained. Never throws.
 */
export async function waitDrained(url: string, o: { idleMs: number; inARow: number; deadlineMs: number; signal: AbortSignal }): Promise<boolean> {
  const limit = drainedBelowMs(o.idleMs);
  const end = performance.now() + o.deadlineMs;
  let fast = 0;
  while (!o.signal.aborted && performance.now() < end) {
    const ms = await once(url, Math.max(100, end - performance.now()));
    fast = ms !== null && ms <= limit ? fast + 1 : 0;
    if (fast >= o.inARow) return true;
    if (fast === 0) await sleep(200, undefined, { signal: o.signal }).catch(() => undefined);
  }
  return false;
}
