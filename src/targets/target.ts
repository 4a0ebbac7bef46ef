import type { FaultWindow } from '../model/index.ts';
import type { Sampler } from '../sampling/sampler.ts';

export type TargetKind = 'local' | 'compose' | 'kubernetes';

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

/** Capability: machines the app runs on can crash and come back. */
export interface NodesCapability {
  /** nodes that may be crashed (never a control plane), with app replicas on each */
  workers(): Promise<Array<{ name: string; appReplicas: number; ready: boolean }>>;
  /** crash `name` the way a machine dies. Idempotent. */
  crash(name: string): Promise<void>;
  /** bring `name` back. Idempotent; safe to call when it is up. */
  restore(name: string): Promise<void>;
  /** nodes of this target that are down now (used to refuse a run on a damaged cluster) */
  down(): Promise<string[]>;
  /** for Compose/local, the seconds a crashed host stays down before coming back (stated in the report) */
  readonly rebootDelayS?: number;
}

/** Capability: the app can be rolled to a new version and the rollout followed. */
export interface WorkloadsCapability {
  /** start rolling out `version`; returns when the rollout has been triggered */
  rollOut(version: string): Promise<void>;
  /** resolves when every replica runs `version` and is available, or rejects at the deadline */
  waitRolledOut(version: string, deadlineMs: number, signal: AbortSignal): Promise<void>;
}

export interface TargetCapabilities {
  nodes?: NodesCapability;
  workloads?: WorkloadsCapability;
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

export type { FaultWindow };
