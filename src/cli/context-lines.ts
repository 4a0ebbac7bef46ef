/**
 * `capbench targets --context NAME`: the context's check (src/targets/kubernetes/context-check.ts)
 * as printed lines, and whether it passed.
 */
import { formatContextReport } from '../targets/kubernetes/context-check.ts';
import { createKubernetesTarget } from '../targets/kubernetes/kubernetes-target.ts';
import type { TargetOptions } from '../targets/registry.ts';

export async function checkContextLines(context: string, o: TargetOptions): Promise<{ lines: string[]; ok: boolean }> {
  const target = createKubernetesTarget('kubernetes', { context, env: o.env, runIsAlive: o.runIsAlive });
  const r = await target.checkContext();
  return { lines: formatContextReport(r), ok: r.ok };
}
