import { Client, Pool } from 'undici';
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

function headerValue(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;
}

/**
 * HTTP/1.1 client for one loopback origin (undici Pool of up to `connections`; the closed
 * model gives each VU a client of its own with one connection, as k6 gives each VU its own
 * connection). Keep-alive by default; with `newConnectionEach`
 * every request asks for `connection: close` and undici closes the socket after the
 * response, so each request — an iteration of the builtin driver — opens its own connection
 * (k6's noVUConnectionReuse, whose iterations are one request each). Requests go through undici's
 * low-level `dispatch` with a small handler: no response stream object per request, which
 * is what keeps 2,000 waiting users cheap (bench:self measures it).
 */
export class LoadHttpClient {
  private readonly pool: Pool | Client;

  constructor(baseUrl: string, connections: number, private readonly timeoutMs: number, private readonly newConnectionEach = false) {
    const opts = { pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: timeoutMs };
    // one connection (a closed-model VU's): a bare Client, lighter than a Pool of one
    this.pool = connections === 1 ? new Client(new URL(baseUrl).origin, opts) : new Pool(new URL(baseUrl).origin, { ...opts, connections });
  }

  /** Send one GET; never throws: failures are outcomes. `now` gives ms on the run clock. */
  get(path: string, now: () => number): Promise<RequestOutcome> {
    const t0 = performance.now();
    const startMs = now();
    const timeoutMs = this.timeoutMs;
    return new Promise<RequestOutcome>((resolve) => {
      let status = 0;
      let servedBy: string | undefined;
      let version: string | undefined;
      let settled = false;
      const fail = (err: unknown): void => {
        if (settled) return;
        settled = true;
        resolve({ atMs: now(), startMs, durationMs: Math.min(performance.now() - t0, timeoutMs), status: 0, error: errorReason(err) });
      };
      try {
        this.pool.dispatch(
          { method: 'GET', path, reset: this.newConnectionEach },
          {
            onRequestStart() {},
            onResponseStart(_c, statusCode, headers) {
              status = statusCode;
              servedBy = headerValue(headers['x-served-by']);
              version = headerValue(headers['x-app-version']);
            },
            onResponseData() {},
            onResponseEnd() {
              if (settled) return;
              settled = true;
              resolve({
                atMs: now(),
                startMs,
                durationMs: performance.now() - t0,
                status,
                ...(servedBy === undefined ? {} : { servedBy }),
                ...(version === undefined ? {} : { version }),
              });
            },
            onResponseError(_c, err) {
              fail(err);
            },
          },
        );
      } catch (err) {
        fail(err);
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
