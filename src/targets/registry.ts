import { HarnessError, unknownName } from '../model/index.ts';
import { composePreferences, type ComposePreference } from './compose/compose-cli.ts';
import { ComposeTarget } from './compose/compose-target.ts';
import { createKubernetesTarget } from './kubernetes/kubernetes-target.ts';
import { LocalTarget } from './local/local-target.ts';
import type { K8sEntry } from './entries.ts';
import type { RunIsAlive } from './run-liveness.ts';
import type { Env, Target } from './target.ts';

/** Options any target factory may use: what the CLI hands down (its environment, run liveness, flags). */
export interface TargetOptions {
  /** the environment commands and spawned processes get, and targets read settings from (the CLI's `io.env`) */
  env: Env;
  /** true while the harness of a run is alive (the store's run lease): its objects are no leftover */
  runIsAlive: RunIsAlive;
  /** seconds a crashed Compose/local host stays down */
  rebootDelayS?: number;
  /** local: proxy port */
  port?: number;
  /** compose: compose file */
  composeFile?: string;
  /** compose: which Compose CLI (auto = v2 when found, else v1) */
  composeCli?: ComposePreference;
  /** kubernetes: kubeconfig context */
  context?: string;
  /** kubernetes (context) and compose: where users' traffic goes instead of the target's loopback URL (checked by the CLI) */
  baseUrl?: string;
  /** destructive faults on a context capbench did not create */
  allowDestructive?: boolean;
  /** kubernetes: how users' traffic enters (`--k8s-entry`; default nodeport) */
  k8sEntry?: K8sEntry;
}

/**
 * Target options set through the environment, read by the CLI and passed down (README,
 * "Compose v1 and v2"): CAPBENCH_COMPOSE=auto|v1|v2. Throws HarnessError (usage) on a bad value.
 */
export function targetOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): Pick<TargetOptions, 'composeCli'> {
  const compose = env['CAPBENCH_COMPOSE'];
  if (compose === undefined || compose === '') return {};
  if (!(composePreferences as readonly string[]).includes(compose)) {
    throw unknownName('CAPBENCH_COMPOSE', 'Compose CLI', compose, composePreferences, 'unset it to use `docker compose` (v2) when found, else `docker-compose` (v1)');
  }
  return { composeCli: compose as ComposePreference };
}

type Factory = (o: TargetOptions) => Promise<Target>;

/** the options of a Kubernetes factory */
function kube(o: TargetOptions): { env: Env; runIsAlive: RunIsAlive; allowDestructive?: boolean; entry?: K8sEntry } {
  return { env: o.env, runIsAlive: o.runIsAlive, ...(o.allowDestructive ? { allowDestructive: true } : {}), ...(o.k8sEntry === undefined ? {} : { entry: o.k8sEntry }) };
}

/** Target registry: name → factory. Names are kebab-case; unknown names list the valid ones. */
export const targetFactories = {
  local: async (o: TargetOptions) => new LocalTarget({ env: o.env, runIsAlive: o.runIsAlive, ...(o.port === undefined ? {} : { port: o.port }), ...(o.rebootDelayS === undefined ? {} : { rebootDelayS: o.rebootDelayS }) }),
  compose: async (o: TargetOptions) =>
    new ComposeTarget({
      env: o.env,
      runIsAlive: o.runIsAlive,
      ...(o.composeFile === undefined ? {} : { composeFile: o.composeFile }),
      ...(o.rebootDelayS === undefined ? {} : { rebootDelayS: o.rebootDelayS }),
      ...(o.composeCli === undefined ? {} : { composeCli: o.composeCli }),
      ...(o.baseUrl === undefined ? {} : { baseUrl: o.baseUrl }),
    }),
  'local-k8s': async (o: TargetOptions) => createKubernetesTarget('local-k8s', kube(o)),
  kind: async (o: TargetOptions) => createKubernetesTarget('kind', kube(o)),
  minikube: async (o: TargetOptions) => createKubernetesTarget('minikube', kube(o)),
  /** any kubeconfig context: --target kubernetes --context NAME */
  kubernetes: async (o: TargetOptions) => createKubernetesTarget('kubernetes', { ...kube(o), ...(o.context === undefined ? {} : { context: o.context }), ...(o.baseUrl === undefined ? {} : { baseUrl: o.baseUrl }) }),
} satisfies Record<string, Factory>;

export type TargetName = keyof typeof targetFactories;
export const targetNames = Object.keys(targetFactories) as TargetName[];
/** targets `--target auto` tries, in order */
export const autoTargets: readonly TargetName[] = targetNames;

export function isTargetName(n: string): n is TargetName {
  return Object.hasOwn(targetFactories, n);
}

export async function createTarget(name: string, o: TargetOptions): Promise<Target> {
  if (!isTargetName(name)) throw unknownName('--target', 'target', name, [...targetNames, 'auto'], 'run `npx capbench targets` to see which are usable here');
  return targetFactories[name](o);
}

/** Parse `--target a,b` (or `auto`) into names, validated. */
export function parseTargetList(spec: string): { names: TargetName[]; auto: boolean } {
  const parts = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new HarnessError(`--target: must name at least one target (got ${JSON.stringify(spec)})`, { code: 'usage', hint: `valid: ${[...targetNames, 'auto'].join(', ')}` });
  if (parts.includes('auto')) {
    if (parts.length > 1) throw new HarnessError(`--target: auto must stand alone (got ${JSON.stringify(spec)})`, { code: 'usage', hint: 'use --target auto, or list targets: --target local,compose' });
    return { names: [...autoTargets], auto: true };
  }
  const seen = new Set<string>();
  for (const p of parts) {
    if (!isTargetName(p)) throw unknownName('--target', 'target', p, [...targetNames, 'auto'], 'run `npx capbench targets` to see which are usable here');
    if (seen.has(p)) throw new HarnessError(`--target: each target must appear once (got ${p} twice)`, { code: 'usage' });
    seen.add(p);
  }
  return { names: parts as TargetName[], auto: false };
}
