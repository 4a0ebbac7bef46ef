/**
 * The per-second timeline every load driver and sampler writes, and every report reads.
 * t=0 is load start (after warm-up); one bucket per second.
 */

/** One second of what users saw, for one target. Histogram is HDR, microseconds, compressed base64. */
export interface LoadSecond {
  /** second index, 0 = first second of load */
  t: number;
  /** virtual users active at the end of this second (closed model) or in flight (open model) */
  vus: number;
  /** requests that completed (response, error or timeout) in this second; throughput counts these */
  requests: number;
  /** requests that failed per DESIGN.md: timeout, network error, status outside 200–399 */
  failures: number;
  /** failures by reason: `timeout`, `status_503`, `ECONNREFUSED`, … */
  failuresByReason: Record<string, number>;
  /** latency histogram of all completed requests of this second (µs), HDR compressed base64 */
  histogram: string;
  /** responses per `x-served-by` value */
  servedBy: Record<string, number>;
  /** responses per `x-app-version` value */
  versions: Record<string, number>;
  /** arrivals the open-model executor could not start because no VU was free */
  dropped?: number;
}

/**
 * What users who arrived in one second got: the requests that *started* in it, by how they
 * ended. DESIGN.md judges availability (downtime, longest outage, time to recover) by these,
 * not by LoadSecond's completion counts: a request that hangs until its timeout belongs to the
 * second the user arrived, not to the second the client gave up. Written once every request
 * started in the second has completed or timed out (about one request timeout after it ends).
 */
export interface StartSecond {
  /** second index, 0 = first second of load */
  t: number;
  /** requests that started in this second */
  requests: number;
  /** of them, failed per DESIGN.md (timeout, network error, status outside 200–399) */
  failures: number;
  failuresByReason: Record<string, number>;
  /** latency histogram of the requests that started in this second (µs), HDR compressed base64 */
  histogram: string;
  /** requests started earlier and still waiting for their outcome when this second began */
  waiting: number;
  /** of `waiting`, the ones that ended failed: users waited through this second for nothing */
  waitingFailures: number;
}

/** One second of what the platform did, for one target. Absent fields = not known on that target. */
export interface PlatformSecond {
  t: number;
  /** replicas the platform wants (Deployment spec / compose scale) */
  desiredReplicas?: number;
  /** replicas running (containers/pods that exist and started) */
  runningReplicas?: number;
  /** replicas passing readiness / health */
  readyReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  /** HPA's desired replicas */
  hpaDesiredReplicas?: number;
  /** HPA's current CPU utilisation (% of request) */
  hpaCpuPercent?: number;
  /** CPU used by the app, in cores (1.0 = one full core): the sum over its running replicas */
  cpuCores?: number;
  /**
   * CPU per running replica, in cores, by replica name (local: `local-N`; Compose: container
   * name; Kubernetes: pod name). Present only together with `cpuCores`, and they agree:
   * the values sum to it (± rounding). Kubernetes figures come from metrics.k8s.io, which
   * refreshes every 10–15 s: a value is carried until a newer one arrives.
   */
  cpuCoresByReplica?: Record<string, number>;
  /** app pods/containers per node */
  podsPerNode?: Record<string, number>;
  nodesReady?: number;
  nodesTotal?: number;
  /** true when the sampler could not observe the platform in this second (watch gap, API down) */
  gap?: boolean;
}

export type PlatformEventKind =
  | 'replica-started'
  | 'replica-ready'
  | 'replica-unready'
  | 'replica-stopped'
  | 'hpa-rescale'
  | 'node-not-ready'
  | 'node-ready'
  | 'pod-created'
  | 'pod-ready'
  | 'pod-evicted'
  | 'pod-deleted'
  | 'rollout-start'
  | 'rollout-finish'
  | 'watch-gap-start'
  | 'watch-gap-end'
  | 'fault-apply'
  | 'fault-recover'
  /** an app pod joined / left the Service's endpoints, as the in-cluster L7 entry's slot sync saw it (`--k8s-entry ingress`) */
  | 'endpoint-added'
  | 'endpoint-removed'
  /** the L7 entry's own health checks marked a pod down / up again */
  | 'lb-server-down'
  | 'lb-server-up'
  | 'note';

export interface PlatformEvent {
  /** ms since load start (may be negative during warm-up) */
  atMs: number;
  kind: PlatformEventKind;
  /** what it concerns: pod, node, container name */
  subject?: string;
  detail?: string;
}

/** A fault's window on the timeline. */
export interface FaultWindow {
  kind: 'node-crash' | 'rolling-update';
  /** ms since load start when the fault was injected */
  startMs: number;
  /** ms since load start when the fault was recovered/finished (undefined: never) */
  endMs?: number;
  /** node, project or workload it hit */
  subject: string;
  detail?: string;
}
