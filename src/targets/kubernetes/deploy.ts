import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Pod } from '@kubernetes/client-node';
import { HarnessError } from '../../model/index.ts';
import type { CommandRunner } from '../command-runner.ts';
import { httpStatus } from '../net.ts';
import type { DeployOptions } from '../target.ts';
import { APP_IMAGE, LB_IMAGE, buildImages } from './cluster-drivers.ts';
import type { KubeIngress } from './ingress.ts';
import { errText, statusOf } from './kube-client.ts';
import { podLine, type KubeRun } from './kube-run.ts';
import { APP_NAME, namespaceFor, renderManifests } from './manifests.ts';
import { deploymentRolledOut } from './platform-view.ts';
import { waitServing } from './serving.ts';

export interface KubeDeployConfig {
  runner: CommandRunner;
  image: string | undefined;
  imagePullPolicy: 'Never' | 'IfNotPresent' | 'Always';
  nodePort: number | undefined;
  replicas: number | undefined;
  workCpuMs: number | undefined;
  workUpstreamMs: number | undefined;
  deployTimeoutMs: number;
  /** `--k8s-entry ingress`: the HAProxy entry to deploy once the app is available; users' traffic then goes through it */
  ingress?: KubeIngress;
}

/**
 * Deploys the run: (presets) builds and loads the images, applies namespace, Deployment,
 * Service, HPA and PDB, waits until the Deployment is available, (`--k8s-entry ingress`)
 * deploys the HAProxy entry, then waits until the entry's NodePort answers /readyz on
 * 127.0.0.1 (or the `--base-url` does) and every replica serves through it (serving.ts).
 */
export async function deployApp(run: KubeRun, o: DeployOptions, cfg: KubeDeployConfig): Promise<void> {
  run.runId = o.runId;
  run.log = o.onProgress;
  run.namespace = namespaceFor(o.runId);
  const c = await run.api();
  let version: string;
  try {
    version = await c.serverVersion();
  } catch (e) {
    throw new HarnessError(`${run.name}: API server ${c.server} (context ${c.context}) must answer (got ${errText(e)})`, { code: 'missingEnvironment', hint: run.o.preset ? `npx capbench cluster up ${run.o.preset}` : 'check the cluster' });
  }
  run.log(`${run.name}: context ${c.context}, server ${c.server}, Kubernetes ${version}, namespace ${run.namespace}`);
  const image = cfg.image ?? APP_IMAGE;
  if (run.o.driver) {
    await buildImages(cfg.runner, run.log);
    await run.o.driver.loadImages(cfg.ingress ? [image, LB_IMAGE] : [image], run.log);
  }
  if (o.signal.aborted) throw new HarnessError(`${run.name}: deploy interrupted`, { code: 'interrupted' });
  const apis = await c.apiVersions();
  run.hpaApiVersion = apis.hpa;
  const objects = renderManifests(
    {
      runId: o.runId,
      appVersion: o.appVersion,
      image,
      imagePullPolicy: cfg.imagePullPolicy,
      hpa: o.hpa,
      ...(cfg.nodePort === undefined ? {} : { nodePort: cfg.nodePort }),
      ...(cfg.replicas === undefined ? {} : { replicas: cfg.replicas }),
      ...(cfg.workCpuMs === undefined ? {} : { workCpuMs: cfg.workCpuMs }),
      ...(cfg.workUpstreamMs === undefined ? {} : { workUpstreamMs: cfg.workUpstreamMs }),
    },
    apis,
  );
  run.log(`${run.name}: applying ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')} (${apis.hpa}, ${apis.pdb})`);
  for (const obj of objects) {
    try {
      await c.apply(obj);
    } catch (e) {
      const taken = obj.kind === 'Service' && statusOf(e) === 422 && /provided port is already allocated/.test(errText(e));
      throw new HarnessError(`${run.name}: ${obj.kind}/${obj.metadata.name} must apply (got ${errText(e)})`, {
        code: taken ? 'missingEnvironment' : 'internal',
        ...(taken ? { hint: `NodePort ${cfg.nodePort} is used by another Service; run \`npx capbench cleanup\` or delete that Service` } : {}),
      });
    }
  }
  await waitAvailable(run, cfg.deployTimeoutMs, o.signal);
  if (cfg.ingress) {
    await cfg.ingress.deploy(cfg.deployTimeoutMs, o.signal);
    run.port = cfg.ingress.httpPort;
    run.entryNode = cfg.ingress.node;
    run.entryIsLb = true;
  } else {
    const svc = await c.core.readNamespacedService({ name: APP_NAME, namespace: run.namespace });
    run.port = svc.spec?.ports?.[0]?.nodePort ?? 0;
  }
  if (run.o.baseUrl !== undefined) {
    // the user's path (port-forward, ingress) can only be made once the namespace exists: say where, then wait as long as a deploy may take
    run.log(`${run.name}: waiting for ${run.o.baseUrl}/readyz to answer 200 — point your path there: Service ${APP_NAME} (port 80) in namespace ${run.namespace}, e.g. kubectl --context ${c.context} -n ${run.namespace} port-forward svc/${APP_NAME} 8080:80`);
  }
  await waitReachable(run, run.o.baseUrl === undefined ? 30_000 : cfg.deployTimeoutMs, o.signal);
  // every replica in kube-proxy's rules before the run starts, not just the first one ready
  const want = (await run.readDeployment()).spec?.replicas ?? 1;
  await waitServing(run, want, { timeoutMs: 60_000, signal: o.signal, what: 'deploy', code: 'missingEnvironment' });
}

async function waitAvailable(run: KubeRun, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = 'no status yet';
  while (Date.now() < end && !signal.aborted) {
    try {
      const d = await run.readDeployment();
      const want = d.spec?.replicas ?? 1;
      last = `${d.status?.availableReplicas ?? 0}/${want} available, ${d.status?.readyReplicas ?? 0} ready`;
      if (deploymentRolledOut(d)) {
        run.log(`${run.name}: Deployment ${APP_NAME} available (${last})`);
        return;
      }
    } catch (e) {
      last = errText(e);
    }
    await sleep(1000);
  }
  if (signal.aborted) throw new HarnessError(`${run.name}: deploy interrupted`, { code: 'interrupted' });
  const pods = await run.appPods().catch((): V1Pod[] => []);
  throw new HarnessError(
    `${run.name}: Deployment ${run.namespace}/${APP_NAME} must become available within ${timeoutMs / 1000} s (got ${last}; pods: ${pods.map(podLine).join('; ') || 'none'})`,
    { code: 'missingEnvironment', hint: `kubectl --context ${run.o.context} -n ${run.namespace} describe pods` },
  );
}

async function waitReachable(run: KubeRun, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const end = Date.now() + timeoutMs;
  let status = 0;
  while (Date.now() < end && !signal.aborted) {
    status = await httpStatus(`${run.url}/readyz`);
    if (status === 200) return;
    await sleep(500);
  }
  if (signal.aborted) throw new HarnessError(`${run.name}: deploy interrupted`, { code: 'interrupted' });
  if (run.o.baseUrl !== undefined) {
    throw new HarnessError(`${run.name}: --base-url ${run.o.baseUrl}/readyz must answer 200 within ${timeoutMs / 1000} s (got ${status === 0 ? 'no answer' : `HTTP ${status}`})`, {
      code: 'missingEnvironment',
      hint: `route it to Service ${APP_NAME} port 80 in namespace ${run.namespace}, e.g. kubectl -n ${run.namespace} port-forward --address 127.0.0.2 svc/${APP_NAME} 8080:80`,
    });
  }
  throw new HarnessError(`${run.name}: NodePort ${run.port} of Service ${run.entryIsLb ? 'lb (HAProxy)' : APP_NAME} must answer on 127.0.0.1 (got ${status === 0 ? 'no answer' : `HTTP ${status}`} within ${timeoutMs / 1000} s)`, {
    code: 'missingEnvironment',
    hint: 'the cluster must publish the NodePort on 127.0.0.1 (kind: extraPortMappings as in clusters/kind/cluster.yaml; minikube: the forwarder container <profile>-capbench-forward made by `npx capbench cluster up minikube`); capbench never port-forwards to a single pod',
  });
}
