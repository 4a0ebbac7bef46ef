import type { FaultWindow, NodesCapability, ReplicasCapability, TargetCapabilities, WorkloadsCapability } from '../model/index.ts';
import type { Sampler } from '../sampling/sampler.ts';

export type TargetKind = 'local' | 'compose' | 'kubernetes';

/**
 * An environment handed down from the CLI (its injected `io.env`): what external commands
 * and spawned processes get, and where targets read settings such as `BASE_IMAGE` or
 * `CAPBENCH_K8S_STATE`. Nothing below the CLI reads `process.env`.
 */
export type Env = Readonly<Record<string, string | undefined>>;

/** Whether a target can run on this machine, and why not. */
export interface Usability {
  usable: boolean;
  /** one line: what was found (versions) or what is missing */
  reason: string;
  /** the next command to run to make it usable */
  hint?: string;
}

export interface DeployOptions {
  runId: string;
  /** app version to deploy (x-app-version) */
  appVersion: string;
  /** HPA tuning from the profile (Kubernetes) */
  hpa: { scaleUpStabilizationS: number; scaleDownStabilizationS: number };
  onProgress: (line: string) => void;
  signal: AbortSignal;
}

/**
 * A place the app runs. The run calls: probe → deploy → baseUrl/sampler/capabilities →
 * teardown. `teardown` must be idempotent and must succeed after a partial deploy; it is
 * pushed on the run's teardown stack before `deploy` starts.
 */
export interface Target {
  readonly name: string;
  readonly kind: TargetKind;
  /** can it run here? Never throws; cheap. */
  probe(): Promise<Usability>;
  /** bring the app up and wait until it is ready (throws HarnessError with the last health output on timeout) */
  deploy(opts: DeployOptions): Promise<void>;
  /** loopback URL users' traffic goes to (after deploy) */
  baseUrl(): string;
  sampler(): Sampler;
  capabilities(): TargetCapabilities;
  /** versions of what this target uses (Docker, Compose, Kubernetes server, …) */
  versions(): Promise<Record<string, string>>;
  /** how the target is set up, for the report (replicas, CPU limits, …) */
  describe(): Record<string, string | number>;
  /** remove everything this run created; idempotent; `fast` skips graceful waits */
  teardown(opts: { fast: boolean }): Promise<void>;
  /** leftovers of earlier runs (labelled objects, stopped nodes); empty = clean */
  leftovers(): Promise<string[]>;
  /** remove leftovers of earlier runs */
  cleanup(): Promise<string[]>;
}

export type { FaultWindow, NodesCapability, ReplicasCapability, TargetCapabilities, WorkloadsCapability };
