/**
 * Test kit: start and control the fixture app (fixture-server.ts) from tests and from the
 * fixture target. `startFixtureApp()` spawns it as its own Node process on 127.0.0.1 and
 * resolves once it listens; the returned FixtureApp configures it, starts its clock, reads
 * its ground truth and stops it. Control goes over the child's IPC channel only, so no
 * load can reach it by accident and it adds no TCP connection to the app's counts.
 *
 * The process cannot outlive its starter: `stop()` ends it by PID (SIGKILL after a grace
 * period), a process 'exit' hook kills any still running, and the app exits by itself
 * when the IPC channel closes (the starter died, even by SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../../model/index.ts';
import type { Clock } from '../../model/clock.ts';
import {
  defaultFixtureConfig, mergeFixtureConfig,
  type FixtureConfig, type FixtureFaultKind, type FixtureFaultWindow, type FixtureHello, type FixtureLogEntry, type FixtureReply, type FixtureRequest, type FixtureState,
} from './fixture-config.ts';
import type { FixtureStats } from './fixture-server.ts';

/** the app's process entry */
export const FIXTURE_MAIN = fileURLToPath(new URL('./fixture-main.ts', import.meta.url));

export interface StartFixtureOptions extends Partial<FixtureConfig> {
  /** port on 127.0.0.1; 0 = any free port (default) */
  port?: number;
  /** how long the process may take to listen, ms (default 20000: tsx compiles on first start) */
  startTimeoutMs?: number;
}

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
type RequestBody = Distribute<FixtureRequest>;

const live = new Set<ChildProcess>();
let exitHook = false;
function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const c of live) if (c.pid !== undefined) c.kill('SIGKILL');
  });
}

/**
 * Spawn the fixture app, wait until it listens, apply `opts` (validated first: a bad
 * option throws HarnessError before anything starts). The clock is not started: call
 * `start()` (or `startWithClock`) when the load begins.
 */
export async function startFixtureApp(opts: StartFixtureOptions = {}): Promise<FixtureApp> {
  const { port = 0, startTimeoutMs = 20_000, ...patch } = opts;
  const config = mergeFixtureConfig(defaultFixtureConfig, patch);
  const tsx = import.meta.resolve('tsx');
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // the app is not a test file
  const child = spawn(process.execPath, ['--import', tsx, FIXTURE_MAIN, String(port)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env });
  killOnExit(child);
  const app = new FixtureApp(child);
  try {
    await app.hello(startTimeoutMs);
    await app.call({ op: 'configure', patch: config, immediate: true });
  } catch (err) {
    await app.stop({ fast: true });
    throw err;
  }
  return app;
}

/** A running fixture app. Every method talks to the process over IPC; all reject once it has exited. */
export class FixtureApp {
  readonly pid: number;
  private portNo = 0;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private stderr = '';
  private exited: { code: number | null; signal: string | null } | null = null;
  private stopping: Promise<void> | null = null;
  private helloWaiter: ((m: FixtureHello) => void) | null = null;

  /** Use startFixtureApp(); the constructor only wires the process. */
  constructor(private readonly child: ChildProcess) {
    if (child.pid === undefined) throw new HarnessError('fixture app: the process must start (got no pid)', { code: 'internal' });
    this.pid = child.pid;
    const err = child.stderr as Readable;
    err.setEncoding('utf8');
    err.on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-4000);
    });
    child.on('message', (m: FixtureReply | FixtureHello) => {
      if ('hello' in m) {
        this.helloWaiter?.(m);
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      this.refChannel();
      if (m.ok) p.resolve(m.result);
      else p.reject(new HarnessError(m.error, { code: 'usage' }));
    });
    child.once('exit', (code, signal) => {
      this.exited = { code, signal };
      const e = this.gone();
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    });
    // the test (or harness) may end without stop(): the exit hook and the app's own IPC watch clean up
    child.unref();
    (child.stderr as Readable & { unref?: () => void }).unref?.();
  }

  /** 127.0.0.1 port the app listens on */
  get port(): number {
    return this.portNo;
  }

  /** `http://127.0.0.1:PORT`, no trailing slash: what load drivers get as baseUrl */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.portNo}`;
  }

  /** true once the process has exited */
  get stopped(): boolean {
    return this.exited !== null;
  }

  /** the last 4000 characters the process wrote to stderr */
  stderrTail(): string {
    return this.stderr;
  }

  private gone(): HarnessError {
    const how = this.exited ? `exit ${this.exited.code ?? this.exited.signal}` : 'no answer';
    return new HarnessError(`fixture app (pid ${this.pid}): the process must be running (got ${how}${this.stderr ? `; stderr: ${this.stderr.trim().slice(-500)}` : ''})`, { code: 'internal' });
  }

  private refChannel(): void {
    const ch = this.child.channel as { ref(): void; unref(): void } | null | undefined;
    if (!ch) return;
    if (this.pending.size > 0 || this.helloWaiter !== null) ch.ref();
    else ch.unref();
  }

  /** @internal startFixtureApp: wait for the process to listen */
  async hello(timeoutMs: number): Promise<void> {
    const m = await new Promise<FixtureHello>((resolve, reject) => {
      const timer = setTimeout(() => reject(new HarnessError(`fixture app (pid ${this.pid}): must listen within ${timeoutMs} ms (got ${this.exited ? 'exit' : 'no answer'}; stderr: ${this.stderr.trim().slice(-500) || 'empty'})`, { code: 'internal' })), timeoutMs);
      this.helloWaiter = (h) => {
        clearTimeout(timer);
        resolve(h);
      };
      this.refChannel();
      this.child.once('exit', () => {
        clearTimeout(timer);
        reject(this.gone());
      });
    }).finally(() => {
      this.helloWaiter = null;
      this.refChannel();
    });
    this.portNo = m.port;
  }

  /** @internal one request over IPC, answered or rejected (timeout, exit, bad input) */
  call<T>(body: RequestBody, timeoutMs = 30_000): Promise<T> {
    if (this.exited) return Promise.reject(this.gone());
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.refChannel();
        reject(new HarnessError(`fixture app (pid ${this.pid}): ${body.op} must be answered within ${timeoutMs} ms (got no answer)`, { code: 'internal' }));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.refChannel();
      this.child.send({ ...body, id } as FixtureRequest, (err) => {
        if (!err) return;
        this.pending.get(id)?.reject(this.gone());
        this.pending.delete(id);
      });
    });
  }

  /** Change any options (replicas, concurrency, mix, latencyFactor, faults, appVersion, replicaStartupMs); resolves with the whole config. Takes effect for requests arriving from now on. */
  configure(patch: Partial<FixtureConfig>): Promise<FixtureConfig> {
    return this.call({ op: 'configure', patch });
  }

  /** Set the replica count (1…32). Replicas added are ready after `replicaStartupMs`; removed ones finish what they queued. */
  scale(replicas: number): Promise<FixtureConfig> {
    return this.configure({ replicas });
  }

  /**
   * Start the app's clock (t = 0) and arm the fault script relative to it: now (default),
   * at the first load request after this call (`on: 'first-request'`), or at a given
   * wall-clock time (`atEpochMs`, e.g. a harness Clock's epochAtStart()). Calling it again
   * restarts the clock (the log keeps its entries, re-timed); call reset() first for a clean slate.
   */
  async start(o: { on?: 'call' | 'first-request'; atEpochMs?: number } = {}): Promise<void> {
    await this.call({ op: 'start', on: o.on ?? 'call', ...(o.atEpochMs === undefined ? {} : { atEpochMs: o.atEpochMs }) });
  }

  /**
   * Start the app's clock when `clock` starts (load start, t = 0 of the run), on the same
   * instant to within a millisecond. Resolves once started; stops waiting when `signal`
   * aborts or the app has exited. Polls the clock every 5 ms.
   */
  async startWithClock(clock: Clock, signal?: AbortSignal): Promise<void> {
    while (!clock.started) {
      if (signal?.aborted || this.stopped) return;
      await sleep(5);
    }
    await this.start({ atEpochMs: clock.epochAtStart()! });
  }

  /** Forget the log, the connection counts and the replicas' cycle positions; stop the clock and every fault (stalled requests are reset). Config stays. */
  async reset(): Promise<void> {
    await this.call({ op: 'reset' });
  }

  /** desired/ready replicas, the open fault, in-flight and stalled requests, open connections */
  state(): Promise<FixtureState> {
    return this.call({ op: 'state' });
  }

  /** Ground truth of load requests that arrived in [fromS, toS) (default [0, ∞)), plus connections and fault windows. */
  stats(o: { fromS?: number; toS?: number } = {}): Promise<FixtureStats> {
    return this.call({ op: 'stats', ...(o.fromS === undefined ? {} : { fromS: o.fromS }), ...(o.toS === undefined ? {} : { toS: o.toS }) });
  }

  /** Write the request log as NDJSON (one FixtureLogEntry per line) to `file`; resolves with the line count. */
  writeLog(file: string): Promise<number> {
    return this.call({ op: 'writeLog', file });
  }

  /** The whole request log, in arrival order. */
  async log(): Promise<FixtureLogEntry[]> {
    const dir = mkdtempSync(join(tmpdir(), 'capbench-fixture-log-'));
    try {
      const file = join(dir, 'log.ndjson');
      await this.writeLog(file);
      return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as FixtureLogEntry);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Open a fault window now, until faultEnd() (the fixture target's node crash). */
  faultNow(kind: FixtureFaultKind): Promise<FixtureFaultWindow[]> {
    return this.call({ op: 'faultNow', kind });
  }

  /** Close the window faultNow opened (stalled requests are reset). Idempotent. */
  faultEnd(): Promise<FixtureFaultWindow[]> {
    return this.call({ op: 'faultEnd' });
  }

  /** End the process: ask it to stop, SIGKILL by PID if it has not exited within 3 s (`fast`: at once). Idempotent. */
  stop(o: { fast?: boolean } = {}): Promise<void> {
    this.stopping ??= (async () => {
      if (this.exited) return;
      this.child.ref(); // keep the caller's event loop until the exit is seen
      const exit = (ms: number): Promise<void> =>
        new Promise((resolve) => {
          if (this.exited) return resolve();
          const timer = setTimeout(resolve, ms);
          this.child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      if (!o.fast) {
        await this.call({ op: 'stop' }, 2000).catch(() => undefined);
        await exit(3000);
      }
      if (!this.exited) {
        this.child.kill('SIGKILL');
        await exit(3000);
      }
    })();
    return this.stopping;
  }
}
