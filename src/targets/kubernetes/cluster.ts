import { commandRunner, type CommandRunner } from '../command-runner.ts';
import type { Env } from '../target.ts';
import { presetDriver, presetNames, type Applier, type Log, type PresetName } from './cluster-drivers.ts';
import { applyObjects } from './kube-client.ts';
import { unknownName } from '../../model/index.ts';

export interface ClusterCommandDeps {
  /** the environment the cluster scripts run with (the CLI passes its own); default none */
  env?: Env;
  runner?: CommandRunner;
  apply?: Applier;
}

function preset(name: string): PresetName {
  if (!(presetNames as readonly string[]).includes(name)) throw unknownName('cluster', 'cluster preset', name, presetNames);
  return name as PresetName;
}

/**
 * `capbench cluster up local-k8s|kind|minikube`: create (or start) the preset's cluster,
 * with metrics for the HPA and the app image loaded. Idempotent. Throws HarnessError.
 */
export async function clusterUp(name: string, log: Log, deps: ClusterCommandDeps = {}): Promise<void> {
  const driver = presetDriver(preset(name), deps.runner ?? commandRunner(deps.env ?? {}), deps.apply ?? applyObjects, deps.env);
  await driver.up(log);
  const s = await driver.status();
  log(`${name}: ${s.reason} (context ${driver.context})`);
}

/** `capbench cluster down local-k8s|kind|minikube`: delete (or stop) the preset's cluster. Idempotent. */
export async function clusterDown(name: string, log: Log, deps: ClusterCommandDeps = {}): Promise<void> {
  const driver = presetDriver(preset(name), deps.runner ?? commandRunner(deps.env ?? {}), deps.apply ?? applyObjects, deps.env);
  await driver.down(log);
  log(`${name}: down`);
}
