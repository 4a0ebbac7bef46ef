/**
 * Test kit: a Target with no process, port or container. One "host" node that can crash and
 * be restored, a workload that rolls out in `rolloutS` seconds of (fake) time, and a sampler
 * that reports one platform second per run-clock second. Every call is a step in a StepLog.
 */
import type { Clock, NodesCapability, PlatformEvent, TargetCapabilities, TimeSource, WorkloadsCapability } from '../model/index.ts';
import type { Sampler, SamplerSink } from '../sampling/sampler.ts';
import type { DeployOptions, Target, TargetKind, Usability } from '../targets/target.ts';
import type { StepLog } from './step-log.ts';

export interface FakeTargetOptions {
  log: StepLog;
  /** timers of the workload's rollout (a FakeTime in orchestrator tests) */
  time: TimeSource;
  name?: string;
  kind?: TargetKind;
  /** default usable */
  usability?: Usability;
  leftovers?: string[];
  replicas?: number;
  /** offer the nodes capability (default true) */
  nodes?: boolean;
  /** nodes.rebootDelayS, as Compose and local state it */
  rebootDelayS?: number;
  /** offer the workloads capability (default true) */
  workloads?: boolean;
  /** seconds a rollout takes (default 5) */
  rolloutS?: number;
  /** prefix of this target's steps (`compose: deploy`), to tell two targets apart in one log */
  label?: string;
}

export class FakeTarget implements Target {
  readonly name: string;
  readonly kind: TargetKind;
  /** the host node is down */
  crashed = false;
  /** the last DeployOptions (tests: was the signal passed?) */
  deployed: DeployOptions | null = null;
  private readonly log: Pick<StepLog, 'step'>;

  constructor(private readonly o: FakeTargetOptions) {
    this.name = o.name ?? 'local';
    this.kind = o.kind ?? 'local';
    const prefix = o.label === undefined ? '' : `${o.label}: `;
    this.log = { step: (s: string) => o.log.step(prefix + s) };
  }

  async probe(): Promise<Usability> {
    await this.log.step('probe');
    return this.o.usability ?? { usable: true, reason: 'fake target' };
  }

  async deploy(opts: DeployOptions): Promise<void> {
    this.deployed = opts;
    await this.log.step('deploy');
    opts.onProgress(`${this.name}: fake replicas up`);
    if (opts.signal.aborted) throw new Error(`${this.name}: deploy stopped: ${String(opts.signal.reason)}`);
  }

  baseUrl(): string {
    return 'http://127.0.0.1:9';
  }

  sampler(): Sampler {
    return new FakeSampler(this, this.log, this.o.replicas ?? 2);
  }

  capabilities(): TargetCapabilities {
    return {
      ...(this.o.nodes === false ? {} : { nodes: this.nodes() }),
      ...(this.o.workloads === false ? {} : { workloads: this.workloads() }),
    };
  }

  async versions(): Promise<Record<string, string>> {
    return { fake: '1' };
  }

  describe(): Record<string, string | number> {
    return { replicas: this.o.replicas ?? 2 };
  }

  async teardown(opts: { fast: boolean }): Promise<void> {
    await this.log.step(opts.fast ? 'teardown (fast)' : 'teardown');
  }

  async leftovers(): Promise<string[]> {
    await this.log.step('leftovers');
    return this.o.leftovers ?? [];
  }

  async cleanup(): Promise<string[]> {
    return [];
  }

  private nodes(): NodesCapability {
    return {
      ...(this.o.rebootDelayS === undefined ? {} : { rebootDelayS: this.o.rebootDelayS }),
      workers: async () => [{ name: 'host', appReplicas: this.o.replicas ?? 2, ready: !this.crashed }],
      crash: async (n) => {
        await this.log.step(`crash ${n}`);
        this.crashed = true;
      },
      restore: async (n) => {
        await this.log.step(`restore ${n}`);
        this.crashed = false;
      },
      down: async () => (this.crashed ? ['host'] : []),
    };
  }

  private workloads(): WorkloadsCapability {
    return {
      rollOut: (v) => this.log.step(`roll-out ${v}`),
      waitRolledOut: (v, _deadlineMs, signal) =>
        new Promise((resolve, reject) => {
          const cancel = this.o.time.after((this.o.rolloutS ?? 5) * 1000, () => {
            signal.removeEventListener('abort', onAbort);
            void this.log.step(`rolled-out ${v}`).then(resolve, reject);
          });
          const onAbort = (): void => {
            cancel();
            reject(new Error('rollout wait aborted'));
          };
          signal.addEventListener('abort', onAbort, { once: true });
        }),
    };
  }
}

/** One platform second per run-clock second; one replica-ready event when it starts (before load). */
class FakeSampler implements Sampler {
  private cancel: (() => void) | null = null;

  constructor(private readonly target: FakeTarget, private readonly log: Pick<StepLog, 'step'>, private readonly replicas: number) {}

  async start(clock: Clock, sink: SamplerSink): Promise<void> {
    await this.log.step('sampler.start');
    const ev: PlatformEvent = { atMs: clock.nowMs(), kind: 'replica-ready', subject: `${this.target.name}-1` };
    sink.event(ev);
    const tick = (t: number): void => {
      this.cancel = clock.at(t * 1000, () => {
        const ready = this.target.crashed ? 0 : this.replicas;
        sink.second({ t, desiredReplicas: this.replicas, runningReplicas: ready, readyReplicas: ready });
        tick(t + 1);
      });
    };
    tick(0);
  }

  async stop(): Promise<void> {
    this.cancel?.();
    this.cancel = null;
    await this.log.step('sampler.stop');
  }
}
