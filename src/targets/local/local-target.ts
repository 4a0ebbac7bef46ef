import { existsSync } from 'node:fs';
import { HarnessError } from '../../model/index.ts';
import { TARGET_ENTRY } from '../entries.ts';
import type { Sampler } from '../../sampling/sampler.ts';
import type { DeployOptions, Env, Target, TargetCapabilities, Usability } from '../target.ts';
import { APP, LocalDeployment } from './deploy.ts';
import { needLiveness, type RunIsAlive } from '../run-liveness.ts';
import { cleanupLocal, listLocalLeftovers } from './leftovers.ts';
import { localNodes } from './nodes.ts';
import { LOCAL_MAX_REPLICAS, localReplicas } from './replicas.ts';
import { LocalSampler } from './sampler.ts';
import { localWorkloads } from './workloads.ts';

export { LOCAL_STATE_DIR, listLocalLeftovers } from './leftovers.ts';

export interface LocalTargetOptions {
  /** replicas at deploy (1..16); default 2 */
  replicas?: number;
  /** proxy port on 127.0.0.1; 0 = any free port */
  port?: number;
  /** seconds a crashed "host" stays down before its processes start again */
  rebootDelayS?: number;
  /** the environment the app and proxy processes get (the CLI passes its own); default none */
  env?: Env;
  /** true while the harness of a run is alive (the store's run lease); cleanup keeps a live run's app log */
  runIsAlive?: RunIsAlive;
  /** app env: CPU burned per /work request, ms */
  workCpuMs?: number;
  workUpstreamMs?: number;
}

/**
 * `local`: N replica processes of the reference app on loopback behind a round-robin
 * proxy process. Needs nothing but Node. A node crash kills every replica (the one host);
 * a rolling update restarts replicas one at a time; the replica count scales 1..16.
 * The concerns live beside this file: deploy (the processes), nodes, workloads, replicas,
 * leftovers, sampler.
 */
export class LocalTarget implements Target {
  readonly name = 'local';
  readonly kind = 'local' as const;
  private readonly replicaCount: number;
  private readonly rebootDelayS: number;
  private dep: LocalDeployment | null = null;
  private readonly current = (): LocalDeployment | null => this.dep;
  private readonly caps: TargetCapabilities;

  constructor(private readonly opts: LocalTargetOptions = {}) {
    this.replicaCount = opts.replicas ?? 2;
    this.rebootDelayS = opts.rebootDelayS ?? 120;
    if (!Number.isInteger(this.replicaCount) || this.replicaCount < 1 || this.replicaCount > LOCAL_MAX_REPLICAS) {
      throw new HarnessError(`local: replicas must be an integer 1..${LOCAL_MAX_REPLICAS} (got ${this.replicaCount})`, { code: 'usage' });
    }
    this.caps = { nodes: localNodes(this.current, this.rebootDelayS), workloads: localWorkloads(this.current), replicas: localReplicas(this.current) };
  }

  async probe(): Promise<Usability> {
    return { usable: existsSync(APP), reason: existsSync(APP) ? `node ${process.version}, ${this.replicaCount} replica processes behind a round-robin proxy` : `reference app missing at ${APP}` };
  }

  async deploy(o: DeployOptions): Promise<void> {
    this.dep = new LocalDeployment({
      runId: o.runId,
      appVersion: o.appVersion,
      replicas: this.replicaCount,
      port: this.opts.port ?? 0,
      env: this.opts.env ?? {},
      workCpuMs: this.opts.workCpuMs ?? 20,
      workUpstreamMs: this.opts.workUpstreamMs ?? 100,
    });
    await this.dep.start(o.signal, o.onProgress);
  }

  baseUrl(): string {
    return this.dep?.baseUrl ?? 'http://127.0.0.1:0';
  }

  sampler(): Sampler {
    return new LocalSampler(() => this.dep?.replicas ?? [], () => this.dep?.desired ?? this.replicaCount);
  }

  capabilities(): TargetCapabilities {
    return this.caps;
  }

  async versions(): Promise<Record<string, string>> {
    return { node: process.version };
  }

  describe(): Record<string, string | number> {
    return { replicas: this.replicaCount, loadBalancer: 'round-robin proxy (node)', entry: TARGET_ENTRY.localProxy, cpuLimitPerReplica: 'none', rebootDelayS: this.rebootDelayS };
  }

  /** PIDs of every process this target started and still holds (proxy and replicas), for checks after teardown */
  pids(): number[] {
    return this.dep?.pids() ?? [];
  }

  async teardown(o: { fast: boolean }): Promise<void> {
    await this.dep?.stop(o.fast);
  }

  async leftovers(): Promise<string[]> {
    return listLocalLeftovers().map((l) => `local run ${l.runId}: processes ${l.pids.join(', ')}`);
  }

  async cleanup(): Promise<string[]> {
    return cleanupLocal(needLiveness(this.name, this.opts.runIsAlive));
  }
}
