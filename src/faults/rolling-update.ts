import type { FaultWindow } from '../model/index.ts';
import type { TargetCapabilities } from '../model/index.ts';
import { missingCapability, type Fault, type FaultContext } from './fault.ts';

/** Progress deadline of a rollout (Kubernetes' default progressDeadlineSeconds is 600). */
export const ROLLOUT_DEADLINE_MS = 600_000;

/** Roll the app to a new version under load; the window ends when every replica runs it. */
export const rollingUpdate: Fault = {
  kind: 'rolling-update',
  check(caps: TargetCapabilities, target: string): void {
    if (!caps.workloads) throw missingCapability('rolling-update', 'workloads', target);
  },
  async apply(ctx: FaultContext): Promise<FaultWindow> {
    const w = ctx.caps.workloads!;
    const version = 'v2';
    const startMs = ctx.nowMs();
    ctx.notify({ kind: 'applied', fault: 'rolling-update', subject: 'app', atMs: startMs, summary: `rolling out ${version}` });
    ctx.event({ atMs: startMs, kind: 'rollout-start', subject: 'app', detail: version });
    await w.rollOut(version);
    const window: FaultWindow = { kind: 'rolling-update', startMs, subject: 'app', detail: `v1 → ${version}` };
    // follow the rollout in the background; the window closes when it completes
    void w.waitRolledOut(version, ROLLOUT_DEADLINE_MS, ctx.signal).then(
      () => {
        window.endMs = ctx.nowMs();
        ctx.event({ atMs: window.endMs, kind: 'rollout-finish', subject: 'app', detail: version });
        ctx.notify({ kind: 'ended', fault: 'rolling-update', subject: 'app', atMs: window.endMs, summary: `rollout to ${version} finished after ${((window.endMs - startMs) / 1000).toFixed(1)} s` });
      },
      (e: Error) => ctx.notify({ kind: 'failed', fault: 'rolling-update', subject: 'app', atMs: ctx.nowMs(), summary: `rollout to ${version} did not finish: ${e.message}` }),
    );
    return window;
  },
  recoverAfterS(): null {
    return null;
  },
  async recover(): Promise<void> {
    // nothing to undo: the new version stays; teardown removes the app
  },
  notesBefore(): string[] {
    return [];
  },
  notesAfter(): string[] {
    return [];
  },
};
