/**
 * `capbench run`'s flags, and every check of them that can be made before anything starts.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { scenarioNames, type ConnectionModel } from '../../scenarios/lib/index.ts';
import { HarnessError, unknownName } from '../model/index.ts';
import { loadSloFile, type SloConfig } from '../scenario/slo-file.ts';
import { parseReplicas } from './replicas-flag.ts';
import { parseBaseUrl, type BaseUrl } from '../targets/base-url.ts';
import type { K8sEntry } from '../targets/entries.ts';
import { parseTargetList, targetNames, type TargetName } from '../targets/registry.ts';

export interface RunFlags {
  target: string;
  quick?: boolean;
  timeScale?: number;
  /** runs of every target (1…MAX_REPEAT of src/model) */
  repeat: number;
  driver: string;
  model: 'closed' | 'open';
  connections?: ConnectionModel;
  out: string;
  rebootDelay?: number;
  port?: number;
  context?: string;
  baseUrl?: string;
  allowRemote?: boolean;
  composeFile?: string;
  allowDestructive?: boolean;
  /** Kubernetes targets: nodeport (default) or ingress */
  k8sEntry?: K8sEntry;
  report: boolean;
  slo?: string;
  failOnGates?: boolean;
  warmup: boolean;
  k6Out: string[];
  /** scenario capacity only: replica counts to probe, `1,2,4` */
  replicas?: string;
}

/**
 * Everything about `run`'s flags that can be judged before anything starts (k6: executors
 * validate first) — so a typo fails in a second, not after a 30-minute run. Throws
 * HarnessError: usage (2) for flags, badConfig (3) for files named by flags.
 */
export async function checkRunFlags(scenario: string, flags: RunFlags, cwd: string): Promise<SloConfig> {
  if (scenario !== 'all' && !(scenarioNames as string[]).includes(scenario)) {
    throw unknownName('run', 'scenario', scenario, [...scenarioNames, 'all'], 'e.g. `npx capbench run spike --quick`');
  }
  if (flags.quick && flags.timeScale !== undefined && flags.timeScale > 1) {
    throw new HarnessError(`--time-scale: must be ≤ 1 with --quick (got ${flags.timeScale})`, { code: 'usage', hint: 'drop --quick to run the full profile, or pass --time-scale 1 or less' });
  }
  let names: TargetName[];
  let auto: boolean;
  try {
    ({ names, auto } = parseTargetList(flags.target));
  } catch (e) {
    if (e instanceof HarnessError && e.hint === undefined) {
      throw new HarnessError(e.message, { code: 'usage', hint: `valid targets: ${[...targetNames, 'auto'].join(', ')} — e.g. --target local,compose`, cause: e });
    }
    throw e;
  }
  const uses = (t: string): boolean => auto || (names as string[]).includes(t);
  const needs = (flag: string, target: string, what: string): void => {
    if (!(targetNames as string[]).includes(target)) {
      throw new HarnessError(`${flag}: ${what} must go with the ${target} target (got a build without it; targets: ${targetNames.join(', ')})`, { code: 'usage', hint: `drop ${flag}` });
    }
    if (!uses(target)) {
      throw new HarnessError(`${flag}: ${what} must go with --target ${target} or auto (got --target ${flags.target})`, { code: 'usage', hint: `add ${target} to --target, or drop ${flag}` });
    }
  };
  if (flags.port !== undefined) needs('--port', 'local', 'the proxy port of the local target');
  if (flags.context !== undefined) needs('--context', 'kubernetes', 'a kubeconfig context');
  checkBaseUrlFlags(flags, names, auto);
  checkK8sEntry(flags, names, auto);
  if (flags.composeFile !== undefined) {
    needs('--compose-file', 'compose', 'a compose file');
    const file = resolve(cwd, flags.composeFile);
    if (!existsSync(file) || !statSync(file).isFile()) {
      throw new HarnessError(`--compose-file: ${flags.composeFile} must be an existing compose file (got ${existsSync(file) ? 'a directory' : 'nothing'} at ${file})`, {
        code: 'badConfig',
        hint: 'omit --compose-file to run the reference app (clusters/compose/compose.yaml); for your own app see clusters/compose/README.md',
      });
    }
  }
  if (flags.rebootDelay !== undefined && scenario !== 'node-crash' && scenario !== 'all') {
    throw new HarnessError(`--reboot-delay: must go with the node-crash scenario (got scenario ${scenario})`, { code: 'usage', hint: `npx capbench run node-crash --reboot-delay ${flags.rebootDelay} …, or drop --reboot-delay` });
  }
  if (!flags.report && flags.failOnGates) {
    throw new HarnessError('--no-report: must not be combined with --fail-on-gates (got both; gates are judged by the report)', {
      code: 'usage',
      hint: 'drop --no-report, or judge the saved run later: npx capbench report reports/<run-id> --slo FILE --fail-on-gates',
    });
  }
  if (flags.replicas !== undefined) {
    if (scenario !== 'capacity') {
      throw new HarnessError(`--replicas: must go with the capacity scenario (got scenario ${scenario})`, { code: 'usage', hint: `npx capbench run capacity --replicas ${flags.replicas} …, or drop --replicas` });
    }
    parseReplicas(flags.replicas);
  }
  if (scenario === 'capacity' && flags.repeat > 1) {
    throw new HarnessError(`--repeat: must be 1 with the capacity scenario (got ${flags.repeat})`, {
      code: 'usage',
      hint: 'repeat the probe as separate runs and pool them: npx capbench plan <capacity-run> <capacity-run> … --users N',
    });
  }
  checkOutDir('--out', flags.out, cwd);
  // a broken SLO file fails now, not after the load
  return loadSloFile(flags.slo === undefined ? undefined : resolve(cwd, flags.slo));
}

/** targets that can be reached at a URL the user gives (`--base-url`) */
const URL_TARGETS: readonly string[] = ['kubernetes', 'compose'];

/**
 * `--base-url` goes with exactly one of the kubernetes (`--context`) and compose targets
 * named in `--target` (not auto: one URL, one target); a non-loopback URL needs
 * `--allow-remote`, and `--allow-remote` needs `--base-url`. Throws HarnessError (usage).
 */
function checkBaseUrlFlags(flags: RunFlags, names: readonly string[], auto: boolean): void {
  if (flags.baseUrl === undefined) {
    if (flags.allowRemote) throw new HarnessError('--allow-remote: must go with --base-url (got no --base-url)', { code: 'usage', hint: 'drop --allow-remote, or name the address: --base-url URL --allow-remote' });
    return;
  }
  const takers = names.filter((n) => URL_TARGETS.includes(n));
  if (auto || takers.length !== 1) {
    throw new HarnessError(`--base-url: must go with exactly one of --target ${URL_TARGETS.join(' | ')} (got --target ${flags.target})`, {
      code: 'usage',
      hint: 'e.g. --target kubernetes --context NAME --base-url http://127.0.0.2:8080, or --target compose --base-url URL',
    });
  }
  if (takers[0] === 'kubernetes' && flags.context === undefined) {
    throw new HarnessError('--base-url: the kubernetes target must have --context NAME too (got no --context)', { code: 'usage', hint: 'kubectl config get-contexts; then --target kubernetes --context NAME --base-url URL' });
  }
  parseBaseUrl(flags.baseUrl, { allowRemote: flags.allowRemote === true });
}

/** the targets `--k8s-entry` is about */
const KUBERNETES_TARGETS: readonly string[] = ['local-k8s', 'kind', 'minikube', 'kubernetes'];

/** `--k8s-entry` needs a Kubernetes target in `--target` (or auto); `ingress` excludes `--base-url`. Throws HarnessError (usage). */
function checkK8sEntry(flags: RunFlags, names: readonly string[], auto: boolean): void {
  if (flags.k8sEntry === undefined) return;
  if (!auto && !names.some((n) => KUBERNETES_TARGETS.includes(n))) {
    throw new HarnessError(`--k8s-entry: must go with a Kubernetes target (${KUBERNETES_TARGETS.join(', ')}) (got --target ${flags.target})`, {
      code: 'usage',
      hint: `add one, e.g. --target compose,local-k8s --k8s-entry ${flags.k8sEntry}, or drop --k8s-entry`,
    });
  }
  if (flags.k8sEntry === 'ingress' && flags.baseUrl !== undefined) {
    throw new HarnessError(`--k8s-entry: ingress must not be combined with --base-url (got --base-url ${flags.baseUrl})`, {
      code: 'usage',
      hint: "drop --base-url to measure through capbench's in-cluster HAProxy, or drop --k8s-entry to measure your own path",
    });
  }
}

/** `--base-url` as judged by checkRunFlags (call it after), or undefined without the flag. */
export function runBaseUrl(flags: RunFlags): BaseUrl | undefined {
  return flags.baseUrl === undefined ? undefined : parseBaseUrl(flags.baseUrl, { allowRemote: flags.allowRemote === true });
}

/** `--out` must be a directory or not exist yet (it is created). */
export function checkOutDir(flag: string, dir: string, cwd: string): void {
  const abs = resolve(cwd, dir);
  if (existsSync(abs) && !statSync(abs).isDirectory()) {
    throw new HarnessError(`${flag}: ${dir} must be a directory or a path that does not exist yet (got a file at ${abs})`, { code: 'usage', hint: `pick another ${flag}, e.g. ${flag} reports` });
  }
}
