/**
 * `--base-url`: where users' traffic goes when the user says so (an ingress, a
 * LoadBalancer, a port-forward) instead of the target's own loopback address. Load goes
 * to 127.0.0.0/8 (and ::1, `localhost`) freely; anywhere else only with `--allow-remote`
 * (DESIGN: an explicit flag, the address named before anything starts).
 */
import { isIP } from 'node:net';
import { HarnessError } from '../model/index.ts';

export interface BaseUrl {
  /** the origin plus path, no trailing slash: what the load driver is given */
  url: string;
  /** host part of the URL, as given (brackets stripped for IPv6) */
  host: string;
  /** true for 127.0.0.0/8, ::1 and `localhost` */
  loopback: boolean;
}

/**
 * true when `host` is a loopback address by its text alone: an IPv4 literal in
 * 127.0.0.0/8, ::1 (or ::ffff:127.x.y.z), or `localhost`. Other names are never
 * resolved: a name that resolves to 127.0.0.1 today may not tomorrow, so it counts as remote.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.split('.')[0] === '127';
  if (isIP(h) === 6) {
    if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped !== null && mapped[1]!.split('.')[0] === '127';
  }
  return false;
}

/**
 * Parses `--base-url` and judges it: http(s), a host, no query or fragment, not loopback
 * unless `allowRemote`. Throws HarnessError (usage, exit 2) — before anything starts.
 */
export function parseBaseUrl(raw: string, o: { allowRemote: boolean }): BaseUrl {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new HarnessError(`--base-url: must be an absolute http:// or https:// URL (got ${JSON.stringify(raw)})`, { code: 'usage', hint: 'e.g. --base-url http://127.0.0.2:8080 (a port-forward) or --base-url https://app.staging.example --allow-remote' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new HarnessError(`--base-url: scheme must be http or https (got ${JSON.stringify(u.protocol.replace(/:$/, ''))})`, { code: 'usage', hint: 'e.g. --base-url http://127.0.0.2:8080' });
  }
  if (u.username !== '' || u.password !== '' || u.search !== '' || u.hash !== '') {
    throw new HarnessError(`--base-url: must be scheme://host[:port][/path] without credentials, query or fragment (got ${JSON.stringify(raw)})`, { code: 'usage', hint: `e.g. --base-url ${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}` });
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const loopback = isLoopbackHost(host);
  const url = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  if (!loopback && !o.allowRemote) {
    throw new HarnessError(`--base-url: ${url} must be a loopback address (127.0.0.0/8, ::1, localhost) unless --allow-remote is given (got host ${host})`, {
      code: 'usage',
      hint: `load to another machine needs your say-so: add --allow-remote (capbench then names the address before it starts), or reach the app on loopback, e.g. kubectl -n <run namespace> port-forward --address 127.0.0.2 svc/api 8080:80`,
    });
  }
  return { url, host, loopback };
}

/** The line the CLI prints before anything starts when `--base-url` is given. */
export function baseUrlNotice(b: BaseUrl): string {
  return b.loopback ? `load goes to ${b.url} (--base-url, loopback)` : `load goes to ${b.url} — NOT this machine's loopback (--base-url with --allow-remote): every request of the run goes there`;
}
