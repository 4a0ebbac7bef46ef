/**
 * Test kit: the fixture app itself — an HTTP server with scripted, known behaviour that
 * tests measure capbench against. It runs in its own process (fixture-main.ts) so it never
 * shares the load generator's event loop; the kit (fixture-app.ts) controls it over IPC.
 *
 * Every GET path except /healthz and /readyz is a load path (/work, /light, …): it goes
 * round-robin to one of N logical replicas; a replica serves `concurrency` requests at once
 * with service times from the latency mix (timers, no CPU burn) and queues the rest FIFO.
 * Each service is scheduled from the previous one's *scheduled* end, so a late timer delays
 * one answer (answers go out 0–2 ms after their scheduled time, never before) but never
 * the replica's throughput. Scripted 503/stall windows (relative to the
 * clock start) override the replicas for requests arriving inside them. Every load request
 * is logged (arrival, end, status, replica, connection) for the ground truth.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { mixCycle } from './latency-mix.ts';
import { connectionsOf, summarize, type TruthConnections, type TruthSummary } from './ground-truth.ts';
import {
  defaultFixtureConfig, mergeFixtureConfig,
  type FixtureConfig, type FixtureFaultKind, type FixtureFaultWindow, type FixtureLogEntry, type FixtureOutcome, type FixtureRequest, type FixtureState,
} from './fixture-config.ts';

/** What `stats` answers: the ground truth of a window plus connection counts and faults as they happened. */
export interface FixtureStats extends TruthSummary {
  connections: TruthConnections;
  faults: FixtureFaultWindow[];
  /** wall-clock epoch ms of the clock start; null when not started */
  startedAtEpochMs: number | null;
  config: FixtureConfig;
}

/** Binary min-heap of numbers: a replica's busy slots by scheduled end (ms). */
class MinHeap {
  private readonly a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): number | undefined {
    return this.a[0];
  }
  push(x: number): void {
    const a = this.a;
    let i = a.push(x) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= a[i]!) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): number | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

interface Replica {
  name: string;
  /** served requests, the position in the mix's cycle */
  served: number;
  busy: MinHeap;
  readyAt: number;
}

/** A log entry with raw performance.now() times (converted to clock-relative ms on read). */
interface Entry extends Omit<FixtureLogEntry, 'atMs' | 'endMs'> {
  at: number;
  end: number | null;
}

interface Window {
  kind: FixtureFaultKind;
  start: number;
  end: number;
  source: 'script' | 'now';
  timer: { cancel(): void } | null;
}

interface Conn {
  id: number;
  requests: number;
}

const now = (): number => performance.now();

/**
 * Run `fn` at performance time `t` or later, never earlier: Node truncates fractional delays
 * and measures them from the event loop's cached time, which may be a few ms stale, so a
 * plain setTimeout can fire early; this re-arms until `t` has passed (≈ 0–2 ms late).
 */
function runAt(t: number, fn: () => void): { cancel(): void } {
  let handle: NodeJS.Timeout;
  const check = (): void => {
    const left = t - now();
    if (left > 0) handle = setTimeout(check, Math.ceil(left));
    else fn();
  };
  handle = setTimeout(check, Math.max(0, Math.ceil(t - now())));
  return { cancel: () => clearTimeout(handle) };
}

export class FixtureServer {
  private config: FixtureConfig = defaultFixtureConfig;
  private cycle: number[] = mixCycle(defaultFixtureConfig.mix);
  private replicas: Replica[] = [];
  private next = 0;
  private origin = now();
  private t0: number | null = null;
  private startedAtEpochMs: number | null = null;
  private armedOnFirstRequest = false;
  private windows: Window[] = [];
  private log: Entry[] = [];
  private readonly stalled = new Map<Entry, { res: ServerResponse; window: Window }>();
  private inFlight = 0;
  private readonly conns = new WeakMap<Socket, Conn>();
  private readonly openSockets = new Set<Socket>();
  private tracked = new Set<Conn>();
  private connSeq = 0;
  private accepted = 0;
  private readonly server: Server;

  constructor() {
    this.resize(this.config.replicas, true);
    this.server = createServer({ noDelay: true, keepAlive: true }, (req, res) => this.onRequest(req, res));
    this.server.keepAliveTimeout = 65_000;
    this.server.on('connection', (s: Socket) => {
      const c = { id: ++this.connSeq, requests: 0 };
      this.conns.set(s, c);
      this.tracked.add(c);
      this.accepted++;
      this.openSockets.add(s);
      s.on('close', () => this.openSockets.delete(s));
    });
  }

  /** Listen on 127.0.0.1:`port` (0 = any free port); resolves with the port. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        const a = this.server.address();
        resolve(typeof a === 'object' && a !== null ? a.port : port);
      });
    });
  }

  /** Stop listening and drop every connection. */
  close(): Promise<void> {
    for (const w of this.windows) w.timer?.cancel();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Answer one control request from the kit. Throws HarnessError on bad input. */
  control(m: FixtureRequest): unknown {
    switch (m.op) {
      case 'configure': return this.configure(m.patch, m.immediate ?? false);
      case 'start': return this.start(m.on, m.atEpochMs);
      case 'reset': return this.reset();
      case 'state': return this.state();
      case 'stats': return this.stats(m.fromS, m.toS);
      case 'writeLog': return this.writeLog(m.file);
      case 'faultNow': return this.faultNow(m.kind);
      case 'faultEnd': return this.faultEnd();
      case 'stop': return null;
    }
  }

  private configure(patch: Partial<FixtureConfig>, immediate: boolean): FixtureConfig {
    const c = mergeFixtureConfig(this.config, patch);
    const old = this.config;
    this.config = c;
    if (c.mix !== old.mix) this.cycle = mixCycle(c.mix);
    if (c.replicas !== this.replicas.length) this.resize(c.replicas, immediate);
    if (c.faults !== old.faults && this.t0 !== null) this.armScript();
    return c;
  }

  /** Add replicas (ready after replicaStartupMs unless `immediate`) or remove the newest (their queued requests still finish). */
  private resize(n: number, immediate: boolean): void {
    const readyAt = immediate ? 0 : now() + this.config.replicaStartupMs;
    while (this.replicas.length < n) this.replicas.push({ name: `fixture-${this.replicas.length + 1}`, served: 0, busy: new MinHeap(), readyAt });
    this.replicas.length = n;
  }

  private start(on: 'call' | 'first-request', atEpochMs?: number): { started: boolean } {
    if (on === 'first-request') {
      this.t0 = null;
      this.startedAtEpochMs = null;
      this.armedOnFirstRequest = true;
      this.clearWindows();
      return { started: false };
    }
    const t = now();
    this.t0 = atEpochMs === undefined ? t : t - (Date.now() - atEpochMs);
    this.startedAtEpochMs = atEpochMs ?? Date.now();
    this.armedOnFirstRequest = false;
    this.armScript();
    return { started: true };
  }

  private clearWindows(): void {
    for (const w of this.windows) w.timer?.cancel();
    for (const w of this.windows) this.endStalls(w);
    this.windows = [];
  }

  /** (Re)build the scripted windows from the config, relative to t0; open `now` faults stay. */
  private armScript(): void {
    const keep = this.windows.filter((w) => w.source === 'now');
    for (const w of this.windows) {
      if (w.source !== 'script') continue;
      w.timer?.cancel();
      this.endStalls(w);
    }
    const t0 = this.t0!;
    const scripted = this.config.faults.map((f): Window => ({ kind: f.kind, start: t0 + f.startS * 1000, end: t0 + (f.startS + f.lengthS) * 1000, source: 'script', timer: null }));
    for (const w of scripted) this.scheduleEnd(w);
    this.windows = [...scripted, ...keep].sort((a, b) => a.start - b.start);
  }

  /** At a window's end, destroy the requests it stalled. */
  private scheduleEnd(w: Window): void {
    w.timer = runAt(w.end, () => {
      w.timer = null;
      this.endStalls(w);
    });
  }

  private endStalls(w: Window): void {
    for (const [e, s] of this.stalled) {
      if (s.window !== w) continue;
      this.stalled.delete(e);
      e.end = now();
      e.outcome = 'stall-reset';
      s.res.socket?.destroy();
    }
  }

  private faultNow(kind: FixtureFaultKind): FixtureFaultWindow[] {
    this.faultEnd();
    this.windows.push({ kind, start: now(), end: Infinity, source: 'now', timer: null });
    return this.faultWindows();
  }

  private faultEnd(): FixtureFaultWindow[] {
    for (const w of this.windows) {
      if (w.source !== 'now' || w.end !== Infinity) continue;
      w.end = now();
      this.endStalls(w);
    }
    return this.faultWindows();
  }

  private reset(): null {
    this.clearWindows();
    this.log = [];
    this.t0 = null;
    this.startedAtEpochMs = null;
    this.armedOnFirstRequest = false;
    this.origin = now();
    this.next = 0;
    for (const r of this.replicas) r.served = 0;
    this.tracked = new Set();
    for (const s of this.openSockets) {
      const c = this.conns.get(s);
      if (!c) continue;
      c.requests = 0;
      this.tracked.add(c);
    }
    this.accepted = 0;
    return null;
  }

  private rel(perf: number): number {
    return perf - (this.t0 ?? this.origin);
  }

  private faultAt(t: number): Window | undefined {
    return this.windows.find((w) => w.start <= t && t < w.end);
  }

  private readyReplicas(t: number): Replica[] {
    return this.replicas.filter((r) => r.readyAt <= t);
  }

  private state(): FixtureState {
    const t = now();
    const fault = this.faultAt(t);
    return {
      desiredReplicas: this.replicas.length,
      readyReplicas: fault ? 0 : this.readyReplicas(t).length,
      fault: fault?.kind ?? null,
      started: this.t0 !== null,
      nowMs: this.rel(t),
      inFlight: this.inFlight,
      stalled: this.stalled.size,
      openConnections: this.openSockets.size,
    };
  }

  private entries(): FixtureLogEntry[] {
    return this.log.map(({ at, end, ...rest }) => ({ ...rest, atMs: this.rel(at), endMs: end === null ? null : this.rel(end) }));
  }

  private faultWindows(): FixtureFaultWindow[] {
    return this.windows.map((w) => ({ kind: w.kind, startMs: this.rel(w.start), endMs: Number.isFinite(w.end) ? this.rel(w.end) : null, source: w.source }));
  }

  private stats(fromS?: number, toS?: number): FixtureStats {
    return {
      ...summarize(this.entries(), fromS ?? 0, toS ?? Infinity),
      connections: connectionsOf(this.accepted, this.openSockets.size, [...this.tracked].map((c) => c.requests)),
      faults: this.faultWindows(),
      startedAtEpochMs: this.startedAtEpochMs,
      config: this.config,
    };
  }

  /** Write the log as NDJSON (one FixtureLogEntry per line) to `file`; returns the line count. */
  private writeLog(file: string): number {
    const lines = this.entries().map((e) => JSON.stringify(e));
    writeFileSync(file, lines.length === 0 ? '' : lines.join('\n') + '\n');
    return lines.length;
  }

  private send(res: ServerResponse, status: number, replica: string | null, body: unknown): void {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-app-version': this.config.appVersion,
      'x-served-by': replica ?? 'fixture',
    });
    res.end(JSON.stringify(body));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const t = now();
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/healthz') return this.send(res, 200, null, { ok: true });
    if (path === '/readyz') {
      const ready = !this.faultAt(t) && this.readyReplicas(t).length > 0;
      return this.send(res, ready ? 200 : 503, null, { ready });
    }
    if (this.armedOnFirstRequest) {
      this.armedOnFirstRequest = false;
      this.t0 = t;
      this.startedAtEpochMs = Date.now();
      this.armScript();
    }
    const conn = this.conns.get(req.socket);
    if (conn) conn.requests++;
    const e: Entry = { seq: this.log.length, path, at: t, end: null, status: 0, outcome: 'pending', replica: null, connection: conn?.id ?? 0, serviceMs: null, queueMs: null, fault: null };
    this.log.push(e);
    res.on('close', () => {
      if (e.end !== null) return;
      e.end = now();
      e.outcome = 'client-closed';
      this.stalled.delete(e);
    });
    const ready = this.readyReplicas(t);
    const replica = ready.length === 0 ? null : ready[this.next++ % ready.length]!;
    e.replica = replica?.name ?? null;
    const fault = this.faultAt(t);
    if (fault) {
      e.fault = fault.kind;
      if (fault.kind === '503') return this.answer(e, res, 503, 'fault-503');
      this.stalled.set(e, { res, window: fault });
      return;
    }
    if (replica === null) return this.answer(e, res, 503, 'no-replica');
    const serviceMs = this.cycle[replica.served++ % this.cycle.length]! * this.config.latencyFactor;
    while ((replica.busy.peek() ?? Infinity) <= t) replica.busy.pop();
    const begin = replica.busy.size >= this.config.concurrency ? replica.busy.pop()! : t;
    const end = begin + serviceMs;
    replica.busy.push(end);
    e.serviceMs = serviceMs;
    e.queueMs = begin - t;
    this.inFlight++;
    runAt(end, () => {
      this.inFlight--;
      this.answer(e, res, 200, 'served');
    });
  }

  private answer(e: Entry, res: ServerResponse, status: number, outcome: FixtureOutcome): void {
    if (e.end !== null) return; // the client gave up first
    this.send(res, status, e.replica, status === 200 ? { ok: true, servedBy: e.replica, version: this.config.appVersion } : { error: outcome });
    e.end = now();
    e.status = status;
    e.outcome = outcome;
  }
}
