import type { V1Endpoints } from '@kubernetes/client-node';
import { LB_SLOTS } from './haproxy-runtime.ts';

/** One ready address of the app's Service: where HAProxy sends requests and health checks. */
export interface Backend {
  ip: string;
  port: number;
  /** the pod behind it (targetRef), or its IP */
  pod: string;
  /** the node it runs on (`-` when the Endpoints do not say) */
  node: string;
}

/** What a slot holds: nothing (maintenance), or one backend. Slots are 1-based, as HAProxy numbers them. */
export type Slots = ReadonlyMap<number, Backend>;

export interface SlotPlan {
  /** slots to point at a new backend and take out of maintenance */
  fill: Array<{ slot: number; backend: Backend }>;
  /** slots whose backend left the Endpoints: into maintenance */
  empty: Array<{ slot: number; backend: Backend }>;
  /** backends that found no free slot (more ready pods than slots) */
  overflow: Backend[];
}

const key = (b: Backend): string => `${b.ip}:${b.port}`;

/**
 * The ready addresses of the Service's Endpoints (`subsets[].addresses`, the port named
 * `http` or the only one), as backends. Not-ready addresses are left out: a pod leaves the
 * L7 entry when it leaves the Service, as it leaves kube-proxy's rules.
 */
export function readyBackends(ep: V1Endpoints | null): Backend[] {
  const out: Backend[] = [];
  for (const s of ep?.subsets ?? []) {
    const ports = s.ports ?? [];
    const port = (ports.find((p) => p.name === 'http') ?? (ports.length === 1 ? ports[0] : undefined))?.port;
    if (port === undefined) continue;
    for (const a of s.addresses ?? []) out.push({ ip: a.ip, port, pod: a.targetRef?.name ?? a.ip, node: a.nodeName ?? '-' });
  }
  return out;
}

/**
 * From the slots as they are and the backends wanted, what to change: a backend that already
 * has a slot keeps it (HAProxy keeps its health and counters), a slot whose backend is gone
 * (or whose address now belongs to another pod) is emptied, and new backends take the free slots lowest first — emptied ones included,
 * so a slot is reused once its old pod has left. Pure.
 */
export function planSlots(current: Slots, wanted: readonly Backend[], slots = LB_SLOTS): SlotPlan {
  const want = new Map(wanted.map((b) => [key(b), b]));
  const plan: SlotPlan = { fill: [], empty: [], overflow: [] };
  const taken = new Set<string>();
  const free: number[] = [];
  for (let slot = 1; slot <= slots; slot++) {
    const b = current.get(slot);
    // same address, same pod: kept; an address a new pod got after the old one left is a new backend
    if (b !== undefined && want.get(key(b))?.pod === b.pod) taken.add(key(b));
    else {
      if (b !== undefined) plan.empty.push({ slot, backend: b });
      free.push(slot);
    }
  }
  for (const b of want.values()) {
    if (taken.has(key(b))) continue;
    const slot = free.shift();
    if (slot === undefined) plan.overflow.push(b);
    else plan.fill.push({ slot, backend: b });
  }
  return plan;
}

/** The slots after `plan` was carried out. Pure. */
export function applyPlan(current: Slots, plan: SlotPlan): Map<number, Backend> {
  const next = new Map(current);
  for (const e of plan.empty) next.delete(e.slot);
  for (const f of plan.fill) next.set(f.slot, f.backend);
  return next;
}
