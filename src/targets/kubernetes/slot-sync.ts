import type { V1Endpoints } from '@kubernetes/client-node';
import { emptySlotCommand, fillSlotCommands, LB_BACKEND, parseServersState, runtimeAnswerFailed, serverUp, slotName } from './haproxy-runtime.ts';
import { applyPlan, planSlots, readyBackends, type Backend } from './ingress-slots.ts';

/** What the sync saw happen, as it happened (the ingress sampler puts these on the run clock). */
export interface LbEvent {
  kind: 'endpoint-added' | 'endpoint-removed' | 'lb-server-down' | 'lb-server-up';
  /** the pod */
  subject: string;
  /** `<node> api/api3 10.244.2.5:8080 …`: starts with the node, as the sampler's pod events do */
  detail: string;
}

export interface SlotSyncDeps {
  /** sends one runtime API command and resolves with HAProxy's answer */
  send: (command: string) => Promise<string>;
  /** the app Service's Endpoints now (null: none yet) */
  readEndpoints: () => Promise<V1Endpoints | null>;
  /** told every change, in order */
  onEvent: (e: LbEvent) => void;
  /** told when a tick failed (API or HAProxy unreachable), once per different message */
  onError: (message: string) => void;
}

/**
 * Keeps HAProxy's 32 server slots equal to the ready addresses of the app Service's
 * Endpoints (`tick`: read Endpoints, fill/empty slots through the runtime API), and reports
 * HAProxy's own verdicts on each filled slot from `show servers state` (its health checks
 * mark a dead pod down within `fall × inter` ≈ 2 s, long before the endpoints controller
 * removes it). `start` repeats `tick` every `periodMs` until `stop`. A failed tick changes
 * nothing it did not finish; the next one tries again.
 */
export class SlotSync {
  private slots = new Map<number, Backend>();
  /** last seen up/down per filled slot (absent: not seen since it was filled) */
  private up = new Map<number, boolean>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private lastError = '';

  constructor(private readonly d: SlotSyncDeps) {}

  /** the slots as capbench filled them: slot → backend */
  get filled(): ReadonlyMap<number, Backend> {
    return this.slots;
  }

  /** One round: Endpoints → slots, then HAProxy's server states → events. Never throws. */
  async tick(): Promise<void> {
    try {
      await this.syncSlots();
      await this.observe();
      this.lastError = '';
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (msg !== this.lastError) this.d.onError(msg);
      this.lastError = msg;
    }
  }

  private async syncSlots(): Promise<void> {
    const plan = planSlots(this.slots, readyBackends(await this.d.readEndpoints()));
    for (const e of plan.empty) {
      await this.command(emptySlotCommand(e.slot));
      this.slots = applyPlan(this.slots, { fill: [], empty: [e], overflow: [] });
      this.up.delete(e.slot);
      this.d.onEvent({ kind: 'endpoint-removed', subject: e.backend.pod, detail: `${e.backend.node} ${LB_BACKEND}/${slotName(e.slot)} ${e.backend.ip}:${e.backend.port} left the Service's endpoints: slot to maintenance` });
    }
    for (const f of plan.fill) {
      for (const c of fillSlotCommands(f.slot, f.backend.ip, f.backend.port)) await this.command(c);
      this.slots = applyPlan(this.slots, { fill: [f], empty: [], overflow: [] });
      this.d.onEvent({ kind: 'endpoint-added', subject: f.backend.pod, detail: `${f.backend.node} ${LB_BACKEND}/${slotName(f.slot)} ${f.backend.ip}:${f.backend.port} joined the Service's endpoints: slot filled` });
    }
    if (plan.overflow.length > 0) throw new Error(`HAProxy has ${this.slots.size} slots filled and no free one for ${plan.overflow.map((b) => b.pod).join(', ')}`);
  }

  private async observe(): Promise<void> {
    const states = parseServersState(await this.command(`show servers state ${LB_BACKEND}`));
    for (const [slot, b] of this.slots) {
      const s = states.find((x) => x.name === slotName(slot));
      if (s === undefined || s.addr !== b.ip) continue;
      const up = serverUp(s);
      if (this.up.get(slot) === up) continue;
      // the first verdict after filling is news only when it is down (up is what filling asked for)
      if (this.up.has(slot) || !up) {
        this.d.onEvent({ kind: up ? 'lb-server-up' : 'lb-server-down', subject: b.pod, detail: `${b.node} ${LB_BACKEND}/${slotName(slot)} ${b.ip}:${b.port} marked ${up ? 'up' : 'down'} by HAProxy's health checks` });
      }
      this.up.set(slot, up);
    }
  }

  private async command(c: string): Promise<string> {
    const answer = await this.d.send(c);
    if (runtimeAnswerFailed(answer)) throw new Error(`HAProxy runtime API: "${c}" must succeed (got ${JSON.stringify(answer.trim())})`);
    return answer;
  }

  /** Ticks every `periodMs` (the next tick starts when the previous one ended). Idempotent. */
  start(periodMs: number): void {
    if (this.timer !== null || this.running !== null) return;
    const loop = async (): Promise<void> => {
      await this.tick();
      if (this.running !== null) this.timer = setTimeout(() => void (this.running = loop()), periodMs);
    };
    this.running = loop();
  }

  /** Stops ticking; resolves when a tick in progress has ended. Idempotent. */
  async stop(): Promise<void> {
    const r = this.running;
    this.running = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await r;
  }
}
