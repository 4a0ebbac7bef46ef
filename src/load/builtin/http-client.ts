import { Pool } from 'undici';
import type { RequestOutcome } from '../recorder.ts';

/** Map a client error to a failure reason (DESIGN.md: timeout or network error). */
export function errorReason(err: unknown): string {
  const code = (err as { code?: string } | null)?.code ?? '';
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ABORT_ERR':
      return 'timeout';
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'socket_closed';
    case '':
      return 'network_error';
    default:
      return code.startsWith('UND_ERR_') ? code.slice(8).toLowerCase() : code;
  }
}

/**
 * Keep-alive HTTP/1.1 client for one loopback origin (undici Pool, one connection per
 * concurrent user, as k6 gives each VU its own connection).
 */
export class LoadHttpClient {
  private readonly pool: Pool;

  constructor(baseUrl: string, connections: number, private readonly timeoutMs: number) {
    this.pool = new Pool(new URL(baseUrl).origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connectTimeout: timeoutMs,
    });
  }

  /** Send one GET; never throws: failures are outcomes. `now` gives ms on the run clock. */
  async get(path: string, now: () => number): Promise<RequestOutcome> {
    const t0 = performance.now();
    try {
      const res = await this.pool.request({ method: 'GET', path });
      await res.body.dump();
      const durationMs = performance.now() - t0;
      const h = res.headers;
      const servedBy = h['x-served-by'];
      const version = h['x-app-version'];
      return {
        atMs: now(),
        durationMs,
        status: res.statusCode,
        ...(typeof servedBy === 'string' ? { servedBy } : {}),
        ...(typeof version === 'string' ? { version } : {}),
      };
    } catch (err) {
      return { atMs: now(), durationMs: Math.min(performance.now() - t0, this.timeoutMs), status: 0, error: errorReason(err) };
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
