/**
 * The seeds' sizing and cost claims against the capacity plans saved beside the runs: a claim
 * naming `plan: <figure>` gets the plan's computed figure (labelled as computed from
 * measurements, never as measured), or a sentence saying what the plan lacks for it (prices,
 * a Kubernetes target) or which commands would compute it. Cost figures only from a priced plan.
 */
import type { CapacityPlan } from '../../model/index.ts';
import { num, pct } from '../format.ts';
import { computedLabel, isPriced, money, PLAN_COMMANDS } from '../plan/facts.ts';

type PlanFigure = (plan: CapacityPlan) => string[] | { none: string };

const k8s = (plan: CapacityPlan) => plan.models.filter((m) => m.kind === 'kubernetes');
const NO_K8S = 'it has no Kubernetes target (plan a capacity run of local-k8s or kind)';
const NO_PRICES = 'it has no prices: re-run `npx capbench plan … --price-vcpu-hour X` (or `--price-node-hour Y --price-host-hour Z`)';

/** The plan figures a claim may name (`plan:` in the claims file). */
export const PLAN_CLAIM_FIGURES = {
  /** pods for each planned user count, with the recommended HPA range beside the shipped one */
  replicas: (plan) => {
    const ms = k8s(plan);
    if (ms.length === 0) return { none: NO_K8S };
    return ms.map((m) => `${m.target}: ${plan.rows.filter((r) => r.target === m.target).map((r) => {
      if (r.replicas === null) return `${r.users} users → unreachable`;
      const a = plan.autoscaler.find((x) => x.target === m.target && x.users === r.users);
      return `${r.users} users → ${r.replicas} pods${a ? ` (HPA ${a.recommended.settings.minReplicas} → ${a.recommended.settings.maxReplicas}; shipped ${a.current.settings.minReplicas} → ${a.current.settings.maxReplicas})` : ''}`;
    }).join(', ')}`);
  },
  /** Kubernetes nodes (one spare included) against the Compose host, per planned user count */
  nodes: (plan) => {
    if (k8s(plan).length === 0) return { none: NO_K8S };
    const o = plan.options;
    return plan.options.users.flatMap((u) => {
      const rows = plan.rows.filter((r) => r.users === u && (r.nodes !== null || r.hostCpuCores !== null));
      if (rows.length === 0) return [];
      return [`${u} users: ${rows.map((r) => (r.nodes !== null ? `${r.target} ${r.nodes} nodes of ${num(o.nodeCpuCores)} CPU (1 spare)` : `${r.target} one host, ${num(r.hostCpuCores!)} of ${num(o.hostCpuCores)} cores`)).join(' vs ')}`];
    });
  },
  /** cost per day: Compose sized for the peak, Kubernetes nodes fixed for the peak, and following the pods */
  cost: (plan) => {
    if (!isPriced(plan.cost)) return { none: NO_PRICES };
    return plan.cost.days.flatMap((d) => {
      const parts = [
        ...d.compose.map((x) => `${x.target} ${money(x.cost)} (one host for the peak)`),
        ...d.kubernetes.map((k) => `${k.target} ${money(k.costFixed)} (nodes fixed) / ${money(k.costFollowing)} (nodes follow the pods)`),
      ];
      return parts.length === 0 ? [] : [`peak ${d.peakUsers} users, per day: ${parts.join(' vs ')}`];
    });
  },
  /** what scaling down off-peak saves: nodes following the pods against nodes fixed for the peak */
  'off-peak-saving': (plan) => {
    if (!isPriced(plan.cost)) return { none: NO_PRICES };
    if (k8s(plan).length === 0) return { none: NO_K8S };
    return plan.cost.days.flatMap((d) => d.kubernetes.flatMap((k) =>
      k.costFixed === null || k.costFollowing === null || k.costFixed <= 0
        ? []
        : [`peak ${d.peakUsers} users, ${k.target}: saves ${pct(1 - k.costFollowing / k.costFixed)} (${money(k.costFollowing)} against ${money(k.costFixed)} per day)`]));
  },
} satisfies Record<string, PlanFigure>;
export type PlanClaimFigureName = keyof typeof PLAN_CLAIM_FIGURES;
export const PLAN_FIGURE_NAMES = Object.keys(PLAN_CLAIM_FIGURES) as PlanClaimFigureName[];

export interface ComputedFigure {
  runId: string;
  value: string;
  /** "computed from measurements (plan of <run>)" */
  label: string;
}

/** The figure from each plan that has it; `why` when none has it (or there is no plan). */
export function planClaim(name: PlanClaimFigureName, plans: ReadonlyArray<{ runId: string; plan: CapacityPlan }>): { computed: ComputedFigure[]; why: string | null } {
  if (plans.length === 0) return { computed: [], why: `no plan in these runs: ${PLAN_COMMANDS}` };
  const computed: ComputedFigure[] = [];
  const why: string[] = [];
  for (const p of plans) {
    const got = (PLAN_CLAIM_FIGURES[name] as PlanFigure)(p.plan);
    if (!Array.isArray(got)) why.push(`the plan of ${p.runId}: ${got.none}`);
    else if (got.length === 0) why.push(`the plan of ${p.runId}: no user count is reachable`);
    else computed.push(...got.map((value) => ({ runId: p.runId, value, label: computedLabel(p.runId) })));
  }
  return { computed, why: computed.length > 0 ? null : why.join('; ') };
}
