/**
 * When no Kubernetes target could be measured: which targets were not available here (once
 * each, with the reason the run recorded) and the one line that tells the user what to do
 * next. Pure functions of ReportRuns.
 */
import type { ReportRun } from '../runs.ts';

/** A target `--target auto` tried that was not usable here, once per name across the runs. */
export interface UnavailableTarget {
  target: string;
  kind: string;
  /** why it was not usable, as the run recorded it (e.g. `kind is not installed`) */
  reason: string;
}

export function unavailableTargets(runs: readonly ReportRun[]): UnavailableTarget[] {
  const seen = new Map<string, UnavailableTarget>();
  for (const r of runs) {
    for (const t of r.unavailable) {
      if (!seen.has(t.name)) seen.set(t.name, { target: t.name, kind: t.kind, reason: t.error ?? 'not usable here' });
    }
  }
  return [...seen.values()];
}

/** How to get each Kubernetes preset running, shortest first; the reason picks between installing and starting. */
const GET_IT: Record<string, (reason: string) => string> = {
  'local-k8s': () => 'run `npx capbench cluster up local-k8s` as root',
  kind: (reason) => (/not installed/.test(reason) ? 'install kind' : 'run `npx capbench cluster up kind`'),
  minikube: (reason) => (/not installed/.test(reason) ? 'install minikube' : 'run `npx capbench cluster up minikube`'),
  kubernetes: () => 'pass `--target kubernetes --context NAME` for a cluster you have',
};

/**
 * The one line for a report without a Kubernetes measurement because none could be had
 * here, or none was asked for. Two ways at most: a wall of options is not a next step.
 */
export function noKubernetesLine(unavailable: readonly UnavailableTarget[]): { reason: string; nextStep: string } {
  const k8s = unavailable.filter((u) => u.kind === 'kubernetes');
  if (k8s.length === 0) {
    const nextStep = 'add one to `--target` (`npx capbench targets` lists those usable here)';
    return { reason: `No Kubernetes target in these runs: ${nextStep}`, nextStep };
  }
  const steps = k8s.map((u) => (GET_IT[u.target] ?? ((r: string) => `make ${u.target} usable (${r})`))(u.reason));
  const nextStep = [...new Set(steps)].slice(0, 2).join(', or ');
  return { reason: `No Kubernetes here: ${nextStep}`, nextStep };
}
