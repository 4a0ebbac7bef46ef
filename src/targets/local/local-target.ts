import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../../model/index.ts';
import { procStartTime, sameProcessAlive } from '../../store/run-lease.ts';
import { freePort, httpStatus, portFree } from '../net.ts';
import type { PlatformEvent } from '../../model/index.ts';
import type { Sampler, SamplerSink } from '../../sampling/sampler.ts';
import type { Clock } from '../../model/clock.ts';
import type { DeployOptions, NodesCapability, Target, TargetCapabilities, Usability, WorkloadsCapability } from '../target.ts';

const APP = fileURLToPath(new URL('../../../clusters/app/server.js', import.meta.url));
const PROXY = fileURLToPath(new URL('./rr-proxy.cjs', import.meta.url));
/** where local runs record their PIDs, so `capbench cleanup` can end them after a SIGKILLed harness */
export const LOCAL_STATE_DIR = join(tmpdir(), 'capbench-local');

export interface LocalTargetOptions {
  replicas?: number;
  /** proxy port on 127.0.0.1; 0 = any free port */
  port?: number;
  /** seconds a crashed "host" stays down before its processes start again */
  rebootDelayS?: number;
  /** app env: CPU burned per /work request, ms */
  workCpuMs?: number;
  workUpstreamMs?: number;
}

interface Replica {
  name: string;
  port: number;
  version: string;
  proc: ChildProcess | null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** true when `pid` is a process this harness started for `runId` (its environment says so). */
function isOurs(pid: number, runId: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`CAPBENCH_RUN_ID=${runId}`);
  } catch {
    return false;
  }
}

/**
 * `local`: N replica processes of the reference app on loopback behind a round-robin
 * proxy process. Needs nothing but Node. A node crash kills every replica (the one host);
 * a rolling update restarts replicas one at a time.
 */
export class LocalTarget implements Target {
  readonly name = 'local';
  readonly kind = 'local' as const;
  private readonly replicaCount: number;
  private readonly rebootDelayS: number;
  private port = 0;
  private runId = '';
  private replicas: Replica[] = [];
  private proxy: ChildProcess | null = null;
  private logFd: number | null = null;
  private crashed = false;

  constructor(private readonly opts: LocalTargetOptions = {}) {
    this.replicaCount = opts.replicas ?? 2;
    this.rebootDelayS = opts.rebootDelayS ?? 120;
    if (!Number.isInteger(this.replicaCount) || this.replicaCount < 1 || this.replicaCount > 32) {
      throw new HarnessError(`local: replicas must be an integer 1..32 (got ${this.replicaCount})`, { code: 'usage' });
    }
  }

  async probe(): Promise<Usability> {
    return { usable: existsSync(APP), reason: existsSync(APP) ? `node ${process.version}, ${this.replicaCount} replica processes behind a round-robin proxy` : `reference app missing at ${APP}` };
  }

  private stateFile(): string {
    return join(LOCAL_STATE_DIR, `${this.runId}.json`);
  }

  private saveState(): void {
    mkdirSync(LOCAL_STATE_DIR, { recursive: true });
    const pids = [this.proxy?.pid, ...this.replicas.map((r) => r.proc?.pid)].filter((p): p is number => typeof p === 'number');
    writeFileSync(this.stateFile(), JSON.stringify({ runId: this.runId, pids, harnessPid: process.pid, harnessStart: procStartTime(process.pid) }));
  }

  private spawnNode(script: string, env: Record<string, string>): ChildProcess {
    const fd = this.logFd ?? 'ignore';
    return spawn(process.execPath, [script], {
      env: { ...process.env, ...env, CAPBENCH_RUN_ID: this.runId },
      stdio: ['ignore', fd, fd],
      detached: false,
    });
  }

  private startReplica(r: Replica): void {
    r.proc = this.spawnNode(APP, {
      PORT: String(r.port),
      HOST: '127.0.0.1',
      APP_VERSION: r.version,
      REPLICA_NAME: r.name,
      WORK_CPU_MS: String(this.opts.workCpuMs ?? 20),
      WORK_UPSTREAM_MS: String(this.opts.workUpstreamMs ?? 100),
      DRAIN_DELAY_MS: '1000',
    });
    this.saveState();
  }

  async deploy(o: DeployOptions): Promise<void> {
    this.runId = o.runId;
    const want = this.opts.port ?? 0;
    if (want !== 0 && !(await portFree(want))) {
      throw new HarnessError(`local: port 127.0.0.1:${want} must be free (got: in use)`, {
        code: 'missingEnvironment',
        hint: 'pass another --port, or 0 for any free port',
      });
    }
    this.port = want === 0 ? await freePort() : want;
    mkdirSync(LOCAL_STATE_DIR, { recursive: true });
    this.logFd = openSync(join(LOCAL_STATE_DIR, `${this.runId}.log`), 'a');
    for (let i = 0; i < this.replicaCount; i++) {
      this.replicas.push({ name: `local-${i + 1}`, port: await freePort(), version: o.appVersion, proc: null });
    }
    this.replicas.forEach((r) => this.startReplica(r));
    this.proxy = this.spawnNode(PROXY, { PORT: String(this.port), UPSTREAMS: this.replicas.map((r) => `127.0.0.1:${r.port}`).join(',') });
    this.saveState();
    o.onProgress(`local: ${this.replicaCount} replicas + proxy on 127.0.0.1:${this.port}, waiting for ready`);
    await this.waitReady(30_000, o.signal);
  }

  private async waitReady(timeoutMs: number, signal: AbortSignal): Promise<void> {
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end && !signal.aborted) {
      if (this.proxy && this.proxy.exitCode !== null) {
        throw new HarnessError(`local: proxy on 127.0.0.1:${this.port} must start (got exit ${this.proxy.exitCode}; see ${join(LOCAL_STATE_DIR, this.runId + '.log')})`, { code: 'missingEnvironment' });
      }
      const statuses = await Promise.all(this.replicas.map((r) => httpStatus(`http://127.0.0.1:${r.port}/readyz`, { timeoutMs: 1000 })));
      const via = await httpStatus(`${this.baseUrl()}/readyz`, { timeoutMs: 1000 });
      last = `replicas /readyz: ${statuses.join(', ')}; proxy /readyz: ${via}`;
      if (via === 200 && statuses.every((s) => s === 200)) return;
      await sleep(200);
    }
    throw new HarnessError(`local: app must become ready within ${timeoutMs / 1000} s (got ${last || 'no answer'})`, {
      code: 'missingEnvironment',
      hint: `see the app log ${join(LOCAL_STATE_DIR, this.runId + '.log')}`,
    });
  }

  baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  sampler(): Sampler {
    return new LocalSampler(() => this.replicas, () => this.replicaCount);
  }

  capabilities(): TargetCapabilities {
    const nodes: NodesCapability = {
      rebootDelayS: this.rebootDelayS,
      workers: async () => [{ name: 'host', appReplicas: this.replicas.length, ready: !this.crashed }],
      crash: async () => {
        this.crashed = true;
        for (const r of this.replicas) {
          if (r.proc && r.proc.exitCode === null && r.proc.pid) r.proc.kill('SIGKILL');
        }
      },
      restore: async () => {
        if (!this.crashed) return;
        this.crashed = false;
        for (const r of this.replicas) {
          if (!r.proc || r.proc.exitCode !== null || r.proc.signalCode !== null) this.startReplica(r);
        }
      },
      down: async () => (this.crashed ? ['host'] : []),
    };
    const workloads: WorkloadsCapability = {
      rollOut: async (version) => {
        // one at a time: stop gracefully (drain), start the new version, wait until ready
        void (async () => {
          for (const r of this.replicas) {
            r.version = version;
            const p = r.proc;
            if (p && p.exitCode === null) {
              const exited = new Promise((res) => p.once('exit', res));
              p.kill('SIGTERM');
              await Promise.race([exited, sleep(15_000)]);
              if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
            }
            this.startReplica(r);
            const end = Date.now() + 30_000;
            while (Date.now() < end && (await httpStatus(`http://127.0.0.1:${r.port}/readyz`, { timeoutMs: 1000 })) !== 200) await sleep(200);
          }
        })();
      },
      waitRolledOut: async (version, deadlineMs, signal) => {
        const end = Date.now() + deadlineMs;
        while (Date.now() < end && !signal.aborted) {
          const ok = await Promise.all(
            this.replicas.map(async (r) => {
              try {
                const res = await fetch(`http://127.0.0.1:${r.port}/readyz`, { signal: AbortSignal.timeout(1000) });
                await res.arrayBuffer();
                return res.status === 200 && res.headers.get('x-app-version') === version;
              } catch {
                return false;
              }
            }),
          );
          if (ok.every(Boolean)) return;
          await sleep(250);
        }
        throw new HarnessError(`local: rollout to ${version} must finish within ${deadlineMs / 1000} s (got unfinished)`, { code: 'internal' });
      },
    };
    return { nodes, workloads };
  }

  async versions(): Promise<Record<string, string>> {
    return { node: process.version };
  }

  describe(): Record<string, string | number> {
    return { replicas: this.replicaCount, loadBalancer: 'round-robin proxy (node)', cpuLimitPerReplica: 'none', rebootDelayS: this.rebootDelayS };
  }

  async teardown(o: { fast: boolean }): Promise<void> {
    const procs = [this.proxy, ...this.replicas.map((r) => r.proc)].filter((p): p is ChildProcess => p !== null);
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill(o.fast ? 'SIGKILL' : 'SIGTERM');
    const deadline = Date.now() + (o.fast ? 1000 : 8000);
    while (Date.now() < deadline && procs.some((p) => p.exitCode === null && p.signalCode === null)) await sleep(50);
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    if (this.logFd !== null) {
      closeSync(this.logFd);
      this.logFd = null;
    }
    if (this.runId) rmSync(this.stateFile(), { force: true });
  }

  async leftovers(): Promise<string[]> {
    return listLocalLeftovers().map((l) => `local run ${l.runId}: processes ${l.pids.join(', ')}`);
  }

  async cleanup(): Promise<string[]> {
    const done: string[] = [];
    for (const l of listLocalLeftovers()) {
      for (const pid of l.pids) process.kill(pid, 'SIGKILL');
      rmSync(join(LOCAL_STATE_DIR, `${l.runId}.json`), { force: true });
      done.push(`local run ${l.runId}: killed ${l.pids.join(', ')}`);
    }
    return done;
  }
}

/** PIDs of earlier local runs whose harness is gone but whose processes still live (and are ours). */
export function listLocalLeftovers(): Array<{ runId: string; pids: number[] }> {
  if (!existsSync(LOCAL_STATE_DIR)) return [];
  const out: Array<{ runId: string; pids: number[] }> = [];
  for (const f of readdirSync(LOCAL_STATE_DIR)) {
    if (!f.endsWith('.json')) continue;
    let st: { runId: string; pids: number[]; harnessPid: number; harnessStart: string | null };
    try {
      st = JSON.parse(readFileSync(join(LOCAL_STATE_DIR, f), 'utf8')) as typeof st;
    } catch {
      continue; // unreadable state file: not ours to judge
    }
    const harnessAlive = sameProcessAlive(st.harnessPid, st.harnessStart);
    if (harnessAlive) continue; // that run is still going
    const pids = st.pids.filter((p) => alive(p) && isOurs(p, st.runId));
    if (pids.length > 0) out.push({ runId: st.runId, pids });
    else rmSync(join(LOCAL_STATE_DIR, f), { force: true });
  }
  return out;
}

/** Polls each replica once a second: process alive = running, /readyz 200 = ready. */
class LocalSampler implements Sampler {
  private timer: NodeJS.Timeout | null = null;
  private prev = new Map<string, { running: boolean; ready: boolean }>();

  constructor(private readonly replicas: () => Replica[], private readonly desired: () => number) {}

  async start(clock: Clock, sink: SamplerSink): Promise<void> {
    let busy = false;
    const tick = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        const atMs = clock.nowMs();
        const states = await Promise.all(
          this.replicas().map(async (r) => {
            const running = r.proc !== null && r.proc.exitCode === null && r.proc.signalCode === null;
            const ready = running && (await httpStatus(`http://127.0.0.1:${r.port}/readyz`, { timeoutMs: 800 })) === 200;
            return { r, running, ready };
          }),
        );
        for (const s of states) {
          const p = this.prev.get(s.r.name);
          const ev = (kind: PlatformEvent['kind']): void => sink.event({ atMs, kind, subject: s.r.name, detail: s.r.version });
          if (!p || p.running !== s.running) ev(s.running ? 'replica-started' : 'replica-stopped');
          if (!p || p.ready !== s.ready) ev(s.ready ? 'replica-ready' : 'replica-unready');
          this.prev.set(s.r.name, { running: s.running, ready: s.ready });
        }
        const running = states.filter((s) => s.running).length;
        if (atMs >= 0) {
          sink.second({
            t: Math.floor(atMs / 1000),
            desiredReplicas: this.desired(),
            runningReplicas: running,
            readyReplicas: states.filter((s) => s.ready).length,
            podsPerNode: { host: running },
            nodesReady: running > 0 ? 1 : 0,
            nodesTotal: 1,
          });
        }
      } finally {
        busy = false;
      }
    };
    await tick();
    this.timer = setInterval(() => void tick(), 1000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
