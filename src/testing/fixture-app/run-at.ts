/** Test kit: the fixture app's time source and its never-early timer. */

/** ms on the process's monotonic clock (performance.now()). */
export const now = (): number => performance.now();

/**
 * Run `fn` at monotonic time `t` (ms) or later, never earlier: Node truncates fractional
 * delays and measures them from the event loop's cached time, which may be a few ms stale,
 * so a plain setTimeout can fire early; this re-arms until `t` has passed (≈ 0–2 ms late).
 */
export function runAt(t: number, fn: () => void): { cancel(): void } {
  let handle: NodeJS.Timeout;
  const check = (): void => {
    const left = t - now();
    if (left > 0) handle = setTimeout(check, Math.ceil(left));
    else fn();
  };
  handle = setTimeout(check, Math.max(0, Math.ceil(t - now())));
  return { cancel: () => clearTimeout(handle) };
}
