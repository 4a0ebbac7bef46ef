/**
 * HAProxy's runtime API as capbench uses it for the in-cluster L7 entry (`--k8s-entry
 * ingress`, clusters/k8s/ingress/haproxy.cfg): the commands that fill and empty a server
 * slot, the parsers of `show servers state` and `show stat`, and a client that sends one
 * command over TCP (non-interactive mode: HAProxy answers and closes).
 */
import { connect } from 'node:net';

/** the backend and slot names of clusters/k8s/ingress/haproxy.cfg (`server-template api 32`) */
export const LB_BACKEND = 'api';
export const LB_SLOTS = 32;

/** `api3` for slot 3 (1-based, as server-template numbers them) */
export function slotName(slot: number): string {
  return `${LB_BACKEND}${slot}`;
}

/** Commands that point slot `slot` at `ip:port` and take it out of maintenance (health checks then judge it). */
export function fillSlotCommands(slot: number, ip: string, port: number): string[] {
  const s = `${LB_BACKEND}/${slotName(slot)}`;
  return [`set server ${s} addr ${ip} port ${port}`, `set server ${s} state ready`];
}

/** Command that puts slot `slot` in maintenance (no traffic, no health checks). */
export function emptySlotCommand(slot: number): string {
  return `set server ${LB_BACKEND}/${slotName(slot)} state maint`;
}

/** Whether a runtime API answer reports a failure (HAProxy answers errors as text, never a status). */
export function runtimeAnswerFailed(answer: string): boolean {
  return /No such|Unknown command|Require|Invalid|invalid|Permission denied|not found|expects|can't|cannot|failed/i.test(answer);
}

/** One server of `show servers state`, as capbench reads it. */
export interface ServerState {
  backend: string;
  name: string;
  addr: string;
  port: number;
  /** srv_op_state: 0 stopped (down), 1 starting, 2 running (up), 3 stopping */
  opState: number;
  /** srv_admin_state bits; maintenance = any of 0x23 (forced, inherited, resolution) */
  adminState: number;
}

/** a server in maintenance (forced, inherited or for want of an address): not in the rotation, not checked */
export function inMaintenance(s: Pick<ServerState, 'adminState'>): boolean {
  return (s.adminState & 0x23) !== 0;
}

/** up = in the rotation as far as its health checks go (running or starting), and not in maintenance */
export function serverUp(s: Pick<ServerState, 'adminState' | 'opState'>): boolean {
  return !inMaintenance(s) && (s.opState === 1 || s.opState === 2);
}

/**
 * Parses `show servers state [backend]` (format version 1: a version line, a `# ` header of
 * field names, one line per server). Fields are taken by their header names, so added
 * columns in later versions do not shift them. Throws on an answer that is not this format.
 */
export function parseServersState(text: string): ServerState[] {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const headerAt = lines.findIndex((l) => l.startsWith('# '));
  if (headerAt < 0) throw new Error(`show servers state: answer must have a "# be_id …" header (got ${JSON.stringify(text.slice(0, 120))})`);
  const names = lines[headerAt]!.slice(2).split(/\s+/);
  const col = (n: string): number => {
    const i = names.indexOf(n);
    if (i < 0) throw new Error(`show servers state: header must have ${n} (got ${names.join(' ')})`);
    return i;
  };
  const [be, name, addr, op, admin, port] = ['be_name', 'srv_name', 'srv_addr', 'srv_op_state', 'srv_admin_state', 'srv_port'].map(col) as [number, number, number, number, number, number];
  return lines.slice(headerAt + 1).filter((l) => !l.startsWith('#')).map((l) => {
    const f = l.split(/\s+/);
    return { backend: f[be] ?? '', name: f[name] ?? '', addr: f[addr] ?? '', port: Number(f[port] ?? 0), opState: Number(f[op] ?? 0), adminState: Number(f[admin] ?? 0) };
  });
}

/** What `show stat` says about the entry: requests in, connection retries and redispatches, per-server requests. */
export interface LbStats {
  /** HTTP requests the frontend received */
  frontendRequests: number;
  /** connection retries (wretr) and redispatches to another server (wredis) of the backend */
  retries: number;
  redispatches: number;
  /** backend responses by class */
  responses5xx: number;
  /** requests sent to each filled slot: `api3` → n */
  byServer: Record<string, number>;
}

/** Parses the CSV of `show stat` (header line `# pxname,svname,…`). Throws on another format. */
export function parseStat(csv: string, backend = LB_BACKEND): LbStats {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0];
  if (header === undefined || !header.startsWith('# ')) throw new Error(`show stat: answer must start with a "# pxname,svname,…" header (got ${JSON.stringify(csv.slice(0, 120))})`);
  const names = header.slice(2).split(',');
  const rows = lines.slice(1).map((l) => {
    const f = l.split(',');
    return (n: string): string => f[names.indexOf(n)] ?? '';
  });
  const num = (v: string): number => (v === '' ? 0 : Number(v));
  const out: LbStats = { frontendRequests: 0, retries: 0, redispatches: 0, responses5xx: 0, byServer: {} };
  for (const r of rows) {
    if (r('svname') === 'FRONTEND') out.frontendRequests += num(r('req_tot'));
    else if (r('pxname') === backend && r('svname') === 'BACKEND') {
      out.retries = num(r('wretr'));
      out.redispatches = num(r('wredis'));
      out.responses5xx = num(r('hrsp_5xx'));
    } else if (r('pxname') === backend && num(r('stot')) > 0) out.byServer[r('svname')] = num(r('stot'));
  }
  return out;
}

/**
 * Sends one command to HAProxy's runtime API at `host:port` and resolves with the whole
 * answer (HAProxy closes the connection after answering a command sent without `prompt`).
 * Rejects on a connection error or when no complete answer came within `timeoutMs`.
 */
export function runtimeCommand(host: string, port: number, command: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = connect({ host, port });
    const timer = setTimeout(() => sock.destroy(new Error(`HAProxy runtime API ${host}:${port}: no answer to "${command}" within ${timeoutMs} ms`)), timeoutMs);
    sock.on('connect', () => sock.end(`${command}\n`));
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
