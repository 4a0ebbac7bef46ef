import { createServer } from 'node:net';

/** A port on 127.0.0.1 nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
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
