/**
 * Test kit: the fixture app itself — an HTTP server with scripted, known behaviour that
 * tests measure capbench against. It runs in its own process (fixture-main.ts) so it never
 * shares the load generator's event loop; the kit (fixture-app.ts) controls it over IPC.
 *
 * Every GET path except /healthz and /readyz is a load path (/work, /light, …): it goes
 * round-robin to one of N logical replicas (replica-pool.ts); a replica serves `concurrency`
 * requests at once with service times from the latency mix (timers, no CPU burn) and
 * queues the rest FIFO. Answers go out 0–2 ms after their scheduled time, never before
 * (run-at.ts), and a late answer never delays the next service. 503/stall windows
 * (fault-windows.ts) override the replicas for requests arriving inside them. Every load
 * request is logged (arrival, end, status, replica, connection) for the ground truth.
 * /healthz always answers 200; /readyz answers 503 while a fault window is open or no
 * replica is ready. Neither is logged.
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
import { FaultWindows, type FaultWindow } from './fault-windows.ts';
import { ReplicaPool } from './replica-pool.ts';
import { now, runAt } from './run-at.ts';

/** What `stats` answers: the ground truth of a window plus connection counts and faults as they happened. */
export interface FixtureStats extends TruthSummary {
  connections: TruthConnections;
  faults: FixtureFaultWindow[];
  /** wall-clock epoch ms of the clock start; null when not started */
  startedAtEpochMs: number | null;
  config: FixtureConfig;
}

/** A log entry with raw monotonic times (converted to clock-relative ms on read). */
interface Entry extends Omit<FixtureLogEntry, 'atMs' | 'endMs'> {
  at: number;
  end: number | null;
}

interface Conn {
  id: number;
  requests: number;
}

export class FixtureServer {
  private config: FixtureConfig = defaultFixtureConfig;
  private cycle: number[] = mixCycle(defaultFixtureConfig.mix);
  private readonly replicas = new ReplicaPool();
  private origin = now();
  private t0: number | null = null;
  private startedAtEpochMs: number | null = null;
  private armedOnFirstRequest = false;
  private readonly faults = new FaultWindows((w) => this.endStalls(w));
  private log: Entry[] = [];
  private readonly stalled = new Map<Entry, { res: ServerResponse; window: FaultWindow }>();
  private inFlight = 0;
  private readonly conns = new WeakMap<Socket, Conn>();
  private readonly openSockets = new Set<Socket>();
  private tracked = new Set<Conn>();
  private connSeq = 0;
  private accepted = 0;
  private readonly server: Server;

  constructor() {
    this.replicas.resize(this.config.replicas, 0);
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
    this.faults.clear();
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
    if (c.replicas !== this.replicas.size) this.replicas.resize(c.replicas, immediate ? 0 : now() + c.replicaStartupMs);
    if (c.faults !== old.faults && this.t0 !== null) this.faults.arm(this.t0, c.faults);
    return c;
  }

  private start(on: 'call' | 'first-request', atEpochMs?: number): { started: boolean } {
    if (on === 'first-request') {
      this.t0 = null;
      this.startedAtEpochMs = null;
      this.armedOnFirstRequest = true;
      this.faults.clear();
      return { started: false };
    }
    const t = now();
    this.t0 = atEpochMs === undefined ? t : t - (Date.now() - atEpochMs);
    this.startedAtEpochMs = atEpochMs ?? Date.now();
    this.armedOnFirstRequest = false;
    this.faults.arm(this.t0, this.config.faults);
    return { started: true };
  }

  /** A window ended: destroy the connections of the requests it stalled (the client sees a reset). */
  private endStalls(w: FaultWindow): void {
    for (const [e, s] of this.stalled) {
      if (s.window !== w) continue;
      this.stalled.delete(e);
      e.end = now();
      e.outcome = 'stall-reset';
      s.res.socket?.destroy();
    }
  }

  private faultNow(kind: FixtureFaultKind): FixtureFaultWindow[] {
    this.faults.open(kind, now());
    return this.faultWindows();
  }

  private faultEnd(): FixtureFaultWindow[] {
    this.faults.close(now());
    return this.faultWindows();
  }

  private reset(): null {
    this.faults.clear();
    this.log = [];
    this.t0 = null;
    this.startedAtEpochMs = null;
    this.armedOnFirstRequest = false;
    this.origin = now();
    this.replicas.resetCounters();
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

  private state(): FixtureState {
    const t = now();
    const fault = this.faults.at(t);
    return {
      desiredReplicas: this.replicas.size,
      readyReplicas: fault ? 0 : this.replicas.ready(t).length,
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
    return this.faults.list((t) => this.rel(t));
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
      const ready = !this.faults.at(t) && this.replicas.ready(t).length > 0;
      return this.send(res, ready ? 200 : 503, null, { ready });
    }
    if (this.armedOnFirstRequest) {
      this.armedOnFirstRequest = false;
      this.t0 = t;
      this.startedAtEpochMs = Date.now();
      this.faults.arm(t, this.config.faults);
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
    const replica = this.replicas.pick(t);
    e.replica = replica?.name ?? null;
    const fault = this.faults.at(t);
    if (fault) {
      e.fault = fault.kind;
      if (fault.kind === '503') return this.answer(e, res, 503, 'fault-503');
      this.stalled.set(e, { res, window: fault });
      return;
    }
    if (replica === null) return this.answer(e, res, 503, 'no-replica');
    const slot = this.replicas.admit(replica, t, this.cycle, this.config.latencyFactor, this.config.concurrency);
    e.serviceMs = slot.serviceMs;
    e.queueMs = slot.begin - t;
    this.inFlight++;
    runAt(slot.end, () => {
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
