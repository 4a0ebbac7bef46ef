/**
 * What a target can do beyond serving traffic, as faults and samplers see it: a fault is
 * written against a capability, not a target, so one node-crash serves kind, minikube,
 * local-k8s, Compose and local. A target offers a capability or does not; a missing one
 * fails before the run starts.
 */

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

/**
 * Capability: the app's replica count can be pinned (the capacity probe). Kubernetes takes
 * the HPA out of the way while pinned; teardown restores what deploy set up.
 */
export interface ReplicasCapability {
  /** the most replicas this target allows (local 16, Compose and Kubernetes 32) */
  readonly max: number;
  /**
   * Pin the app to `n` replicas (1 ≤ n ≤ max) and resolve once `n` are ready and serving
   * behind the target's entry; rejects with the platform's own message when scaling fails
   * or `signal` aborts. May block for as long as starting replicas takes. Idempotent.
   */
  scale(n: number, signal: AbortSignal): Promise<void>;
}

export interface TargetCapabilities {
  nodes?: NodesCapability;
  workloads?: WorkloadsCapability;
  replicas?: ReplicasCapability;
}
