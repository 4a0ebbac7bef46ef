import { request } from 'node:http';
import { createServer } from 'node:net';

/** A port on `host` (default 127.0.0.1) nobody listens on right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, host, () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** true when 127.0.0.1:`port` can be listened on. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** HTTP status of a GET (body drained), or 0 when no response came within `timeoutMs`. */
export async function httpStatus(url: string, o: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<number> {
  const timeout = AbortSignal.timeout(o.timeoutMs ?? 3000);
  try {
    const r = await fetch(url, { signal: o.signal ? AbortSignal.any([o.signal, timeout]) : timeout });
    await r.arrayBuffer().catch(() => undefined);
    return r.status;
  } catch {
    return 0;
  }
}

/** What one GET answered: its status (0 = no answer) and `x-served-by` (null when absent). */
export interface ServedBy {
  status: number;
  servedBy: string | null;
}

/** One GET on a fresh connection (no keep-alive), so a connection-balancing entry (kube-proxy) picks anew. */
export function getServedBy(url: string, signal?: AbortSignal, timeoutMs = 3000): Promise<ServedBy> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, headers: { connection: 'close' }, timeout: timeoutMs, ...(signal ? { signal } : {}) }, (res) => {
      res.resume();
      const by = res.headers['x-served-by'];
      res.on('end', () => resolve({ status: res.statusCode ?? 0, servedBy: typeof by === 'string' ? by : null }));
      res.on('error', () => resolve({ status: 0, servedBy: null }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, servedBy: null }));
    req.end();
  });
}

export interface ServedByWait {
  /** epoch ms after which the wait gives up */
  deadlineMs: number;
  signal: AbortSignal;
  /** injected in tests; default getServedBy */
  get?: (url: string, signal: AbortSignal) => Promise<ServedBy>;
  /** requests in flight at once; default 4 */
  concurrency?: number;
  /**
   * answers the clean stretch must hold at least; default max(20, 6 × expected): with one
   * stale backend left beside n expected ones, picked at random, it goes unseen that long
   * with a chance of (n / (n + 1))^(6n) < 0.3 %
   */
  minAnswers?: number;
}

/**
 * Resolves when GETs of `url` are answered by exactly the replicas named in `expected`
 * (their `x-served-by`): in one unbroken stretch of at least `minAnswers` 2xx answers every
 * expected replica answered and no other did. Any other answer — an unexpected or missing
 * replica name, an error status, no answer — starts the stretch again. Resolves `true` when that held,
 * `false` at the deadline (or on abort) with `seen` filled with what the last stretch saw.
 * An app that sends no `x-served-by` at all cannot be checked: resolves `true` at once
 * (`seen` stays empty).
 */
export async function servedByExactly(url: string, expected: ReadonlySet<string>, o: ServedByWait, seen: string[] = []): Promise<boolean> {
  const get = o.get ?? ((u: string, s: AbortSignal) => getServedBy(u, s));
  const hit = new Set<string>();
  const minAnswers = o.minAnswers ?? Math.max(20, 6 * expected.size);
  let clean = 0;
  let headerSeen = false;
  let fault = '';
  while (Date.now() < o.deadlineMs && !o.signal.aborted) {
    const answers = await Promise.all(Array.from({ length: o.concurrency ?? 4 }, () => get(url, o.signal)));
    for (const a of answers) {
      const ok = a.status >= 200 && a.status < 300;
      if (ok && a.servedBy === null && !headerSeen) return true;
      if (a.servedBy !== null) headerSeen = true;
      if (ok && a.servedBy !== null && expected.has(a.servedBy)) {
        hit.add(a.servedBy);
        clean++;
        continue;
      }
      fault = a.status === 0 ? 'no answer' : `HTTP ${a.status} from ${a.servedBy ?? 'no x-served-by'}`;
      hit.clear();
      clean = 0;
    }
    if (hit.size === expected.size && clean >= minAnswers) return true;
  }
  seen.length = 0;
  seen.push(...[...hit].sort(), ...(fault === '' ? [] : [`last other answer: ${fault}`]));
  return false;
}
