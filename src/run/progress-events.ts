import type { ConnectionModel, LoadModel, Variant } from '../../scenarios/lib/index.ts';
import type { FaultNotice } from '../faults/index.ts';
import type { DriverName } from '../load/driver.ts';
import type { CapacityStep, LoadSecond, PlatformSecond, ProbeStop, RunStatus, TargetRunStatus } from '../model/index.ts';

/**
 * What a run reports while it goes, to one listener (the CLI prints it with
 * src/cli/progress.ts; tests collect it). `target` names the leg's target. Events come in
 * order per leg; a listener must not throw and must not block (it is called inline).
 */
export type RunProgressEvent =
  | { kind: 'run-start'; runId: string; runDir: string; scenario: string; variant: Variant; timeScale: number; loadS: number; driver: DriverName; model: LoadModel; connections: ConnectionModel }
  /** `--target auto` passed over a target that cannot run here */
  | { kind: 'target-skipped'; target: string; reason: string }
  /** a leg (target × repetition) begins; `target` is the leg's key (`compose.rep2` when repeated); repetition and index count from 0 */
  | { kind: 'leg-start'; target: string; repetition: number; repetitions: number; index: number; count: number }
  | { kind: 'deploying'; target: string }
  /** a line of the target's own deploy progress (compose pull, kubectl rollout, …) */
  | { kind: 'deploy-progress'; target: string; line: string }
  | { kind: 'ready'; target: string; baseUrl: string; afterMs: number }
  | { kind: 'warm-up'; target: string; durationS: number; vus: number }
  | { kind: 'load-start'; target: string; scenario: string; durationS: number }
  /** every finished second of load, in order */
  | { kind: 'load-second'; target: string; second: LoadSecond; totalS: number }
  /** every platform second the sampler saw (t ≥ 0, once per second) */
  | { kind: 'platform-second'; target: string; second: PlatformSecond }
  | { kind: 'fault'; target: string; notice: FaultNotice }
  /** capacity probe: a replica count starts its ladder at `fromRps` (scaled and settled) */
  | { kind: 'capacity-replicas'; target: string; replicas: number; fromRps: number }
  /** capacity probe: a step is over and judged */
  | { kind: 'capacity-step'; target: string; replicas: number; step: CapacityStep }
  /** capacity probe: a replica count is done */
  | { kind: 'capacity-done'; target: string; replicas: number; stoppedBy: ProbeStop; capacityAtSloRps: number | null }
  | { kind: 'leg-failed'; target: string; message: string }
  | { kind: 'teardown'; target: string; fast: boolean }
  | { kind: 'teardown-step-failed'; target: string; step: string; message: string }
  | { kind: 'leg-end'; target: string; status: TargetRunStatus }
  | { kind: 'run-end'; runDir: string; status: RunStatus };

export type RunListener = (e: RunProgressEvent) => void;
