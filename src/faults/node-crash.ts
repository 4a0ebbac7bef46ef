import type { FaultSchedule } from '../../scenarios/lib/index.ts';
import type { FaultWindow } from '../model/index.ts';
import type { TargetCapabilities } from '../model/index.ts';
import { missingCapability, type Fault, type FaultContext } from './fault.ts';

/** The worker hosting the most app replicas; ties go to the lowest name. Never empty-handed. */
export function pickVictim(workers: ReadonlyArray<{ name: string; appReplicas: number }>): string | null {
  const sorted = [...workers].sort((a, b) => b.appReplicas - a.appReplicas || a.name.localeCompare(b.name));
  return sorted[0]?.name ?? null;
}

/** Crash the busiest worker the way a machine dies; restore it after the scenario's down time. */
export const nodeCrash: Fault = {
  kind: 'node-crash',
  check(caps: TargetCapabilities, target: string): void {
    if (!caps.nodes) throw missingCapability('node-crash', 'nodes', target);
  },
  async apply(ctx: FaultContext): Promise<FaultWindow> {
    const nodes = ctx.caps.nodes!;
    const workers = await nodes.workers();
    const victim = pickVictim(workers);
    if (victim === null) throw new Error(`node-crash: ${ctx.targetName} has no worker node to crash`);
    const startMs = ctx.nowMs();
    const replicas = workers.find((w) => w.name === victim)?.appReplicas ?? 0;
    ctx.notify({ kind: 'applied', fault: 'node-crash', subject: victim, atMs: startMs, summary: `crashing node ${victim} (${replicas} app replicas on it)` });
    ctx.event({ atMs: startMs, kind: 'fault-apply', subject: victim, detail: 'node-crash' });
    await nodes.crash(victim);
    return { kind: 'node-crash', startMs, subject: victim, detail: `workers: ${workers.map((w) => `${w.name}=${w.appReplicas}`).join(' ')}` };
  },
  recoverAfterS(ctx: FaultContext, s: FaultSchedule): number {
    return ctx.caps.nodes?.rebootDelayS ?? s.downS ?? 60;
  },
  async recover(ctx: FaultContext, w: FaultWindow): Promise<void> {
    await ctx.caps.nodes!.restore(w.subject);
    if (w.endMs === undefined) {
      w.endMs = ctx.nowMs();
      ctx.event({ atMs: w.endMs, kind: 'fault-recover', subject: w.subject, detail: 'node restored' });
      ctx.notify({ kind: 'ended', fault: 'node-crash', subject: w.subject, atMs: w.endMs, summary: `node ${w.subject} restored` });
    }
  },
  notesBefore(caps: TargetCapabilities): string[] {
    const delayS = caps.nodes?.rebootDelayS;
    return delayS === undefined ? [] : [`host crash: the host comes back ${delayS} s after the crash (configurable with --reboot-delay)`];
  },
  notesAfter(w: FaultWindow): string[] {
    return [`node ${w.subject} ${w.endMs === undefined ? 'was NOT restored — run `npx capbench cleanup`' : 'was restored'}`];
  },
};
