import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../../model/index.ts';
import { freePort, httpStatus, portFree } from '../net.ts';
import type { Env } from '../target.ts';
import { LOCAL_STATE_DIR, writeLocalState } from './leftovers.ts';

export const APP = fileURLToPath(new URL('../../../clusters/app/server.js', import.meta.url));
const PROXY = fileURLToPath(new URL('./rr-proxy.cjs', import.meta.url));

/** One replica process of the app. `proc` is null before its first start. */
export interface LocalReplica {
  name: string;
  port: number;
  version: string;
  proc: ChildProcess | null;
}

export interface LocalDeploymentOptions {
  runId: string;
  appVersion: string;
  replicas: number;
  /** proxy port on 127.0.0.1; 0 = any free port */
  port: number;
  /** what the app and proxy processes get as their environment (the CLI passes its own) */
  env: Env;
  /** app env: CPU burned per /work request, ms */
  workCpuMs: number;
  workUpstreamMs: number;
}

export function running(p: ChildProcess | null): p is ChildProcess {
  return p !== null && p.exitCode === null && p.signalCode === null;
}

/**
 * The processes of one local deployment: N app replicas on loopback ports and the
 * round-robin proxy in front of them (its own process, told of replica changes over IPC).
 * Every spawn is recorded in the run's state file so `capbench cleanup` can end them after
 * a SIGKILLed harness. Nodes, workloads, replicas and the sampler work on this object.
 */
export class LocalDeployment {
  private stopping = false;
  replicas: LocalReplica[] = [];
  /** replicas asked for (changes at the start of a scale, before the processes follow) */
  desired: number;
  /** version new replicas start with (the last rolled-out version) */
  version: string;
  crashed = false;
  port = 0;
  private proxy: ChildProcess | null = null;
  private logFd: number | null = null;
  private nextIndex = 1;
  private seq = 0;

  constructor(readonly o: LocalDeploymentOptions) {
    this.desired = o.replicas;
    this.version = o.appVersion;
  }

  get logFile(): string {
    return join(LOCAL_STATE_DIR, `${this.o.runId}.log`);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the replicas and the proxy and waits until all answer /readyz 200. */
  async start(signal: AbortSignal, onProgress: (line: string) => void): Promise<void> {
    const want = this.o.port;
    if (want !== 0 && !(await portFree(want))) {
      throw new HarnessError(`local: port 127.0.0.1:${want} must be free (got: in use)`, {
        code: 'missingEnvironment',
        hint: 'pass another --port, or 0 for any free port',
      });
    }
    this.port = want === 0 ? await freePort() : want;
    mkdirSync(LOCAL_STATE_DIR, { recursive: true });
    this.logFd = openSync(this.logFile, 'a');
    for (let i = 0; i < this.o.replicas; i++) this.replicas.push(await this.newReplica());
    this.replicas.forEach((r) => this.startReplica(r));
    this.proxy = this.spawnNode(PROXY, { PORT: String(this.port), UPSTREAMS: this.replicas.map(upstream).join(',') }, true);
    this.saveState();
    onProgress(`local: ${this.o.replicas} replicas + proxy on 127.0.0.1:${this.port}, waiting for ready`);
    await this.waitReady(30_000, signal);
  }

  async newReplica(): Promise<LocalReplica> {
    return { name: `local-${this.nextIndex++}`, port: await freePort(), version: this.version, proc: null };
  }

  private spawnNode(script: string, env: Record<string, string>, ipc = false): ChildProcess {
    const fd = this.logFd ?? 'ignore';
    return spawn(process.execPath, [script], {
      env: { ...this.o.env, ...env, CAPBENCH_RUN_ID: this.o.runId },
      stdio: ipc ? ['ignore', fd, fd, 'ipc'] : ['ignore', fd, fd],
      // its own process group: a terminal's Ctrl-C goes to capbench, which stops the load and
      // then the app — the app must not die first and show as failures it did not cause
      detached: true,
    });
  }

  /** true once stop() began: nothing is started after it (a rollout still going must not leak a replica) */
  get stopped(): boolean {
    return this.stopping;
  }

  startReplica(r: LocalReplica): void {
    if (this.stopping) return;
    r.proc = this.spawnNode(APP, {
      PORT: String(r.port),
      HOST: '127.0.0.1',
      APP_VERSION: r.version,
      REPLICA_NAME: r.name,
      WORK_CPU_MS: String(this.o.workCpuMs),
      WORK_UPSTREAM_MS: String(this.o.workUpstreamMs),
      DRAIN_DELAY_MS: '1000',
    });
    this.saveState();
  }

  /** SIGTERM (the app drains), SIGKILL after `graceMs`; resolves when the process is gone. */
  async stopReplica(r: LocalReplica, graceMs = 15_000): Promise<void> {
    const p = r.proc;
    if (!running(p)) return;
    const exited = new Promise((res) => p.once('exit', res));
    p.kill('SIGTERM');
    await Promise.race([exited, sleep(graceMs)]);
    if (running(p)) {
      p.kill('SIGKILL');
      await exited;
    }
  }

  /** Resolves when `r` answers /readyz 200; throws HarnessError at `deadlineMs` (epoch) or on abort. */
  async waitReplicaReady(r: LocalReplica, deadlineMs: number, signal: AbortSignal): Promise<void> {
    let last = 0;
    while (Date.now() < deadlineMs) {
      if (signal.aborted) throw new HarnessError(`local: waiting for ${r.name} was interrupted`, { code: 'interrupted' });
      if (r.proc !== null && !running(r.proc)) break;
      last = await httpStatus(`http://127.0.0.1:${r.port}/readyz`, { timeoutMs: 1000 });
      if (last === 200) return;
      await sleep(100);
    }
    const p = r.proc;
    const why = p !== null && (p.exitCode !== null || p.signalCode !== null) ? `exited with ${p.exitCode ?? p.signalCode}` : last === 0 ? 'no answer' : `HTTP ${last}`;
    throw new HarnessError(`local: replica ${r.name} must answer /readyz 200 in time (got ${why})`, { code: 'internal', hint: `see the app log ${this.logFile}` });
  }

  /**
   * Tells the proxy its new upstreams (the removed ones get no further request from then on)
   * and resolves with the ones its immediate check found ready.
   */
  async setUpstreams(list: readonly LocalReplica[], timeoutMs = 5000): Promise<string[]> {
    const p = this.proxy;
    if (!running(p) || !p.connected) throw new HarnessError(`local: the proxy on 127.0.0.1:${this.port} must be running (got ${p === null ? 'not started' : 'exited'})`, { code: 'internal', hint: `see ${this.logFile}` });
    const seq = ++this.seq;
    return new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => done(new HarnessError(`local: the proxy must confirm its upstreams within ${timeoutMs} ms (got no answer)`, { code: 'internal', hint: `see ${this.logFile}` })), timeoutMs);
      const onMessage = (m: unknown): void => {
        const msg = m as { type?: string; seq?: number; ready?: string[] };
        if (msg?.type === 'upstreams' && msg.seq === seq) done(null, msg.ready ?? []);
      };
      const done = (err: Error | null, ready: string[] = []): void => {
        clearTimeout(timer);
        p.off('message', onMessage);
        if (err) reject(err);
        else resolve(ready);
      };
      p.on('message', onMessage);
      p.send({ type: 'upstreams', seq, upstreams: list.map(upstream) });
    });
  }

  private async waitReady(timeoutMs: number, signal: AbortSignal): Promise<void> {
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end && !signal.aborted) {
      if (this.proxy && this.proxy.exitCode !== null) {
        throw new HarnessError(`local: proxy on 127.0.0.1:${this.port} must start (got exit ${this.proxy.exitCode}; see ${this.logFile})`, { code: 'missingEnvironment' });
      }
      const statuses = await Promise.all(this.replicas.map((r) => httpStatus(`http://127.0.0.1:${r.port}/readyz`, { timeoutMs: 1000 })));
      const via = await httpStatus(`${this.baseUrl}/readyz`, { timeoutMs: 1000 });
      last = `replicas /readyz: ${statuses.join(', ')}; proxy /readyz: ${via}`;
      if (via === 200 && statuses.every((s) => s === 200)) return;
      await sleep(200);
    }
    throw new HarnessError(`local: app must become ready within ${timeoutMs / 1000} s (got ${last || 'no answer'})`, {
      code: 'missingEnvironment',
      hint: `see the app log ${this.logFile}`,
    });
  }

  /** Records the PIDs of every process started so far (and this harness's PID). */
  /** PIDs of the proxy and the replicas' current processes */
  pids(): number[] {
    return [this.proxy?.pid, ...this.replicas.map((r) => r.proc?.pid)].filter((p): p is number => typeof p === 'number');
  }

  saveState(): void {
    const pids = this.pids();
    writeLocalState({ runId: this.o.runId, pids, harnessPid: process.pid });
  }

  /** Ends every process (SIGTERM, or SIGKILL when `fast`), closes the log, removes the state file. Idempotent. */
  async stop(fast: boolean): Promise<void> {
    this.stopping = true;
    const procs = [this.proxy, ...this.replicas.map((r) => r.proc)].filter((p): p is ChildProcess => p !== null);
    for (const p of procs) if (running(p)) p.kill(fast ? 'SIGKILL' : 'SIGTERM');
    const deadline = Date.now() + (fast ? 1000 : 8000);
    while (Date.now() < deadline && procs.some(running)) await sleep(50);
    for (const p of procs) if (running(p)) p.kill('SIGKILL');
    if (this.logFd !== null) {
      closeSync(this.logFd);
      this.logFd = null;
    }
    const state = join(LOCAL_STATE_DIR, `${this.o.runId}.json`);
    if (existsSync(state)) rmSync(state, { force: true });
  }
}

function upstream(r: LocalReplica): string {
  return `127.0.0.1:${r.port}`;
}
