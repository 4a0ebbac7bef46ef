/**
 * Test kit: the fixture app as a harness Target, so a test can run the real orchestrator
 * and drivers against an app whose behaviour is known. deploy() starts the app process;
 * its sampler reports desired/ready replicas each second and (by default) starts the app's
 * clock — and with it the fault script — at the run's load start. Capabilities: `replicas`
 * (the capacity probe scales it, 1…32) and `nodes` (one host; a crash opens a stall or 503
 * window until restore). `kind` is chosen by the test: 'kubernetes' makes the verdict treat
 * the target as a candidate, 'compose'/'local' as a baseline.
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { HarnessError, mustBe } from '../../model/index.ts';
import type { Clock } from '../../model/clock.ts';
import type { Sampler, SamplerSink } from '../../sampling/sampler.ts';
import type { DeployOptions, NodesCapability, ReplicasCapability, Target, TargetCapabilities, TargetKind, Usability } from '../../targets/target.ts';
import { expectedCapacity } from './capacity-model.ts';
import { FIXTURE_MAIN, FixtureApp, startFixtureApp } from './fixture-app.ts';
import { defaultFixtureConfig, MAX_REPLICAS, mergeFixtureConfig, type FixtureConfig, type FixtureFaultKind } from './fixture-config.ts';
import { describeMix } from './latency-mix.ts';

export interface FixtureTargetOptions {
  /** target name in the run and the report (default `fixture`); two targets in one run need two names */
  name?: string;
  /** how the verdict sees it (default `local`); `kubernetes` = a candidate */
  kind?: TargetKind;
  /** the app's configuration at deploy (appVersion comes from the run) */
  config?: Partial<FixtureConfig>;
  /** start the app's clock and fault script when the run's clock starts (default true) */
  followRunClock?: boolean;
  /** what crashing the one host does (default `stall`: requests hang until restore, then reset) */
  crashAs?: FixtureFaultKind;
}

const HOST = 'fixture-host';

export class FixtureTarget implements Target {
  readonly name: string;
  readonly kind: TargetKind;
  private config: FixtureConfig;
  private running: FixtureApp | null = null;
  private crashed = false;

  constructor(private readonly opts: FixtureTargetOptions = {}) {
    this.name = opts.name ?? 'fixture';
    this.kind = opts.kind ?? 'local';
    this.config = mergeFixtureConfig(defaultFixtureConfig, opts.config ?? {}, `fixture target ${this.name}`);
  }

  /** The running app (for its ground truth). Throws before deploy and after teardown. */
  app(): FixtureApp {
    if (this.running === null || this.running.stopped) {
      throw new HarnessError(`fixture target ${this.name}: the app must be deployed (got ${this.running ? 'stopped' : 'not deployed'})`, { code: 'internal' });
    }
    return this.running;
  }

  /** Usable wherever Node runs the harness: the app is part of the test kit. Never throws. */
  async probe(): Promise<Usability> {
    return existsSync(FIXTURE_MAIN)
      ? { usable: true, reason: `fixture app (node ${process.version}), ${this.config.replicas} replica(s) × ${this.config.concurrency} concurrent` }
      : { usable: false, reason: `fixture app missing at ${FIXTURE_MAIN}` };
  }

  /** Start the app process and configure it; ready when it listens (no warm-up needed). */
  async deploy(o: DeployOptions): Promise<void> {
    if (this.running && !this.running.stopped) return;
    this.config = { ...this.config, appVersion: o.appVersion };
    this.running = await startFixtureApp(this.config);
    if (o.signal.aborted) {
      await this.running.stop({ fast: true });
      throw new HarnessError(`fixture target ${this.name}: deploy must not be interrupted (got aborted)`, { code: 'interrupted' });
    }
    o.onProgress(`${this.name}: fixture app on ${this.running.baseUrl} (pid ${this.running.pid}), ${this.config.replicas} replica(s)`);
  }

  baseUrl(): string {
    return this.app().baseUrl;
  }

  sampler(): Sampler {
    return new FixtureSampler(() => this.app(), () => this.crashed, this.opts.followRunClock ?? true);
  }

  capabilities(): TargetCapabilities {
    const replicas: ReplicasCapability = {
      max: MAX_REPLICAS,
      scale: async (n, signal) => {
        if (!(Number.isInteger(n) && n >= 1 && n <= MAX_REPLICAS)) {
          throw new HarnessError(mustBe(`fixture target ${this.name}`, 'replicas', `an integer 1…${MAX_REPLICAS}`, n), { code: 'usage' });
        }
        const app = this.app();
        this.config = await app.scale(n);
        const deadline = performance.now() + this.config.replicaStartupMs + 30_000;
        for (;;) {
          if (signal.aborted) throw new HarnessError(`fixture target ${this.name}: scaling to ${n} must finish (got aborted)`, { code: 'interrupted' });
          const s = await app.state();
          if (s.desiredReplicas === n && (s.readyReplicas === n || s.fault !== null)) return;
          if (performance.now() > deadline) {
            throw new HarnessError(`fixture target ${this.name}: ${n} replicas must be ready within ${this.config.replicaStartupMs + 30_000} ms (got ${s.readyReplicas} of ${s.desiredReplicas})`, { code: 'internal' });
          }
          await sleep(20);
        }
      },
    };
    const nodes: NodesCapability = {
      workers: async () => [{ name: HOST, appReplicas: this.config.replicas, ready: !this.crashed }],
      crash: async (name) => {
        if (name !== HOST) throw new HarnessError(mustBe(`fixture target ${this.name}`, 'node', HOST, name), { code: 'usage' });
        if (this.crashed) return;
        await this.app().faultNow(this.opts.crashAs ?? 'stall');
        this.crashed = true;
      },
      restore: async () => {
        if (!this.crashed) return;
        await this.app().faultEnd();
        this.crashed = false;
      },
      down: async () => (this.crashed ? [HOST] : []),
    };
    return { replicas, nodes };
  }

  async versions(): Promise<Record<string, string>> {
    return { node: process.version, app: 'capbench fixture app (src/testing/fixture-app)' };
  }

  describe(): Record<string, string | number> {
    const c = this.config;
    return {
      replicas: c.replicas,
      concurrencyPerReplica: c.concurrency,
      latencyMix: describeMix(c.mix),
      latencyFactor: c.latencyFactor,
      saturationRps: Math.round(expectedCapacity(c, Infinity).saturationRps * 10) / 10,
      faults: c.faults.length === 0 ? 'none' : c.faults.map((f) => `${f.kind} at ${f.startS} s for ${f.lengthS} s`).join(', '),
    };
  }

  /** Stop the app process (idempotent; safe after a failed deploy). */
  async teardown(o: { fast: boolean }): Promise<void> {
    await this.running?.stop({ fast: o.fast });
    this.crashed = false;
  }

  /** None possible: the app exits by itself when its starter's IPC channel closes. */
  async leftovers(): Promise<string[]> {
    return [];
  }

  async cleanup(): Promise<string[]> {
    return [];
  }
}

/** Polls the app's state once a second; optionally starts the app's clock at the run's load start. */
class FixtureSampler implements Sampler {
  private timer: NodeJS.Timeout | null = null;
  private readonly stopped = new AbortController();
  private prev: { desired: number; ready: number } | null = null;

  constructor(private readonly app: () => FixtureApp, private readonly crashed: () => boolean, private readonly followRunClock: boolean) {}

  async start(clock: Clock, sink: SamplerSink): Promise<void> {
    if (this.followRunClock) {
      const app = this.app();
      void app.startWithClock(clock, this.stopped.signal).catch((err: unknown) => {
        sink.event({ atMs: clock.nowMs(), kind: 'note', detail: `fixture app clock not started: ${(err as Error).message}` });
      });
    }
    let busy = false;
    const tick = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      const atMs = clock.nowMs();
      const t = Math.floor(atMs / 1000);
      try {
        const s = await this.app().state();
        const p = this.prev ?? { desired: 0, ready: 0 };
        const ev = (kind: 'replica-started' | 'replica-stopped' | 'replica-ready' | 'replica-unready', from: number, to: number): void => {
          for (let i = Math.min(from, to); i < Math.max(from, to); i++) sink.event({ atMs, kind, subject: `fixture-${i + 1}` });
        };
        if (s.desiredReplicas !== p.desired) ev(s.desiredReplicas > p.desired ? 'replica-started' : 'replica-stopped', p.desired, s.desiredReplicas);
        if (s.readyReplicas !== p.ready) ev(s.readyReplicas > p.ready ? 'replica-ready' : 'replica-unready', p.ready, s.readyReplicas);
        this.prev = { desired: s.desiredReplicas, ready: s.readyReplicas };
        if (atMs >= 0) {
          sink.second({
            t,
            desiredReplicas: s.desiredReplicas,
            runningReplicas: s.desiredReplicas,
            readyReplicas: s.readyReplicas,
            podsPerNode: { [HOST]: s.desiredReplicas },
            nodesReady: this.crashed() ? 0 : 1,
            nodesTotal: 1,
          });
        }
      } catch {
        if (atMs >= 0) sink.second({ t, gap: true });
      } finally {
        busy = false;
      }
    };
    await tick();
    this.timer = setInterval(() => void tick(), 1000);
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
