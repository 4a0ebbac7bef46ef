/**
 * The Kubernetes presets' cluster drivers (local-k8s, kind, minikube) and what they share.
 * Over 300 lines (by a few): the kind driver with its offline node image is most of it and can
 * move to a file of its own as minikube's did (minikube-driver.ts).
 */
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../../model/index.ts';
import { tail, type CommandResult, type CommandRunner } from '../command-runner.ts';
import type { Env } from '../target.ts';
import { readManifestFile, type KubeObject } from './manifests.ts';
import { MinikubeDriver } from './minikube-driver.ts';

export { MinikubeDriver };

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const LOCAL_K8S_DIR = `${REPO}clusters/local-k8s/`;
export const KIND_CONFIG = `${REPO}clusters/kind/cluster.yaml`;
export const KIND_DIR = `${REPO}clusters/kind/`;
/** node images built by clusters/kind/build-node-image.sh (from Debian, offline) */
export const KIND_DEBIAN_NODE_REPO = 'capbench.local/kind-node';
export const KIND_METRICS_SERVER = `${REPO}clusters/kind/metrics-server.yaml`;
export const IMAGES_BUILD = `${REPO}clusters/images/build.sh`;
/** the app image every preset runs (built by clusters/images/build.sh) */
export const APP_IMAGE = 'capbench/app:v1';
/** the load balancer image (HAProxy) of Compose and of `--k8s-entry ingress`, built by the same script */
export const LB_IMAGE = 'capbench/lb:2';
/** NodePort published on 127.0.0.1 by the kind and minikube presets */
export const PUBLISHED_NODE_PORT = 30080;
/** where clusters/local-k8s keeps its state (kubeconfig, logs); CAPBENCH_K8S_STATE overrides it, as for the scripts */
export const LOCAL_K8S_STATE = '/var/lib/capbench/local-k8s';

export type PresetName = 'local-k8s' | 'kind' | 'minikube';
export const presetNames: readonly PresetName[] = ['local-k8s', 'kind', 'minikube'];

export type Log = (line: string) => void;

/** Applies objects to a context (server-side apply); injected so cluster bring-up is testable. */
export type Applier = (context: string, kubeconfig: string | undefined, objects: KubeObject[]) => Promise<void>;

/**
 * How one kind of local cluster is driven from outside Kubernetes: created, deleted,
 * given images, and how its machines crash. The API-side work (deploy, sample) is the
 * target's; everything here runs external commands through the injected runner.
 */
export interface ClusterDriver {
  readonly preset: PresetName;
  /** kubeconfig context of the cluster */
  readonly context: string;
  /** images are copied into the nodes, never pulled */
  readonly imagePullPolicy: 'Never' | 'IfNotPresent';
  /** NodePort the cluster publishes on 127.0.0.1; undefined = any NodePort answers on 127.0.0.1 */
  readonly nodePort: number | undefined;
  /** kubeconfig file holding `context`; undefined = the default loading rules (KUBECONFIG, ~/.kube/config) */
  kubeconfig(): Promise<string | undefined>;
  /** is the cluster running? Never throws. */
  status(): Promise<{ up: boolean; reason: string; hint?: string }>;
  /** create/start the cluster (idempotent), metrics included, images loaded */
  up(log: Log): Promise<void>;
  /** delete/stop the cluster (idempotent) */
  down(log: Log): Promise<void>;
  loadImages(images: readonly string[], log: Log): Promise<void>;
  /** crash a node the way a machine dies (idempotent) */
  crash(node: string): Promise<void>;
  /** bring a crashed node back (idempotent) */
  restore(node: string): Promise<void>;
  /** nodes whose machine (process/container) is down by the driver's own account */
  machinesDown(): Promise<string[]>;
  /** versions of the tools it uses */
  versions(): Promise<Record<string, string>>;
}

export function commandFailed(where: string, file: string, args: string[], r: CommandResult, hint: string): HarnessError {
  return new HarnessError(`${where}: \`${[file, ...args].join(' ')}\` must succeed (got exit ${r.code}: ${tail(r.stderr || r.stdout, 8)})`, {
    code: r.code === 127 ? 'missingEnvironment' : 'internal',
    hint,
  });
}

export async function must(runner: CommandRunner, where: string, file: string, args: string[], hint: string, timeoutMs?: number): Promise<CommandResult> {
  const r = await runner.run(file, args, timeoutMs === undefined ? {} : { timeoutMs });
  if (r.code !== 0) throw commandFailed(where, file, args, r, hint);
  return r;
}

export function firstLine(s: string): string {
  return s.trim().split('\n')[0] ?? '';
}

/** Builds capbench/app:v1 (and the lb image) with clusters/images/build.sh; fast when present. */
export async function buildImages(runner: CommandRunner, log: Log): Promise<void> {
  log('images: clusters/images/build.sh (fast when capbench/app:v1 exists)');
  await must(runner, 'images', 'bash', [IMAGES_BUILD], 'see the build output above; run clusters/images/build.sh by hand', 1_800_000);
}

// ------------------------------------------------------------------ local-k8s

/**
 * `local-k8s`: the 3-node Kubernetes 1.20 cluster of clusters/local-k8s on this host
 * (nodes 127.0.0.2–4). kube-proxy publishes every NodePort on 127.0.0.0/8.
 */
export class LocalK8sDriver implements ClusterDriver {
  readonly preset = 'local-k8s' as const;
  readonly context = 'capbench-local-k8s';
  readonly imagePullPolicy = 'Never' as const;
  readonly nodePort = undefined;
  private kubeconfigPath: string | undefined;

  constructor(private readonly runner: CommandRunner, private readonly dir = LOCAL_K8S_DIR, private readonly stateDir = LOCAL_K8S_STATE) {}

  private script(name: string, args: string[] = []): string[] {
    return [`${this.dir}${name}`, ...args];
  }

  async kubeconfig(): Promise<string> {
    if (this.kubeconfigPath) return this.kubeconfigPath;
    const r = await this.runner.run('bash', this.script('status.sh'), { timeoutMs: 30_000 });
    const m = /^KUBECONFIG=(.+)$/m.exec(r.stdout);
    this.kubeconfigPath = m?.[1]?.trim() ?? `${this.stateDir}/kubeconfig`;
    return this.kubeconfigPath;
  }

  async status(): Promise<{ up: boolean; reason: string; hint?: string }> {
    const r = await this.runner.run('bash', this.script('status.sh'), { timeoutMs: 30_000 });
    const m = /^KUBECONFIG=(.+)$/m.exec(r.stdout);
    if (m?.[1]) this.kubeconfigPath = m[1].trim();
    const nodes = /^NODES_READY=(.+)$/m.exec(r.stdout)?.[1] ?? '?';
    if (r.code === 0) return { up: true, reason: `local-k8s cluster up, nodes ready ${nodes}` };
    return { up: false, reason: `local-k8s cluster is not running (${firstLine(r.stdout.match(/^API=.*$/m)?.[0] ?? r.stderr) || `exit ${r.code}`})`, hint: 'npx capbench cluster up local-k8s' };
  }

  async up(log: Log): Promise<void> {
    log('local-k8s: clusters/local-k8s/up.sh (builds Kubernetes 1.20 from source on first use: can take a long time)');
    await must(this.runner, 'cluster up local-k8s', 'bash', this.script('up.sh'), 'see the logs under /var/lib/capbench/local-k8s/logs');
    await buildImages(this.runner, log);
    await this.loadImages([APP_IMAGE], log);
  }

  async down(log: Log): Promise<void> {
    log('local-k8s: clusters/local-k8s/down.sh');
    await must(this.runner, 'cluster down local-k8s', 'bash', this.script('down.sh'), 'run clusters/local-k8s/down.sh by hand');
  }

  async loadImages(images: readonly string[], log: Log): Promise<void> {
    log(`local-k8s: loading ${images.join(' ')} into every node's containerd`);
    await must(this.runner, 'local-k8s', 'bash', this.script('load-image.sh', [...images]), 'build the image first: clusters/images/build.sh', 600_000);
  }

  async crash(node: string): Promise<void> {
    await must(this.runner, 'local-k8s crash', 'bash', this.script('node.sh', ['crash', node]), 'check `clusters/local-k8s/node.sh status`', 60_000);
  }

  async restore(node: string): Promise<void> {
    await must(this.runner, 'local-k8s restore', 'bash', this.script('node.sh', ['restore', node]), 'check `clusters/local-k8s/node.sh status`', 120_000);
  }

  async machinesDown(): Promise<string[]> {
    const r = await this.runner.run('bash', this.script('node.sh', ['status']), { timeoutMs: 30_000 });
    if (r.code !== 0) return [];
    return parseLocalK8sNodeStatus(r.stdout).filter((n) => !n.kubelet || !n.containerd).map((n) => n.name);
  }

  async versions(): Promise<Record<string, string>> {
    return { cluster: 'capbench local-k8s (clusters/local-k8s)' };
  }
}

/** `node.sh status` lines: `name=127.0.0.2 kubelet=up containerd=up ready=True` */
export function parseLocalK8sNodeStatus(out: string): Array<{ name: string; kubelet: boolean; containerd: boolean; ready: string }> {
  const rows: Array<{ name: string; kubelet: boolean; containerd: boolean; ready: string }> = [];
  for (const line of out.split('\n')) {
    const f = Object.fromEntries(line.trim().split(/\s+/).map((kv) => kv.split('=') as [string, string]));
    if (!f.name) continue;
    rows.push({ name: f.name, kubelet: f.kubelet === 'up', containerd: f.containerd === 'up', ready: f.ready ?? 'Unknown' });
  }
  return rows;
}

// ------------------------------------------------------------------ kind

/**
 * `kind`: cluster `capbench`, 1 control plane + 2 workers, NodePort 30080 on 127.0.0.1:30080.
 * Nodes are Docker containers named like the nodes: a crash is `docker kill`, a restore
 * `docker start`. `up` creates it with clusters/kind/up.sh on the node image built from
 * Debian (clusters/kind/build-node-image.sh; no registry); a cluster made beforehand with
 * kind's own images (`kind create cluster --config clusters/kind/cluster.yaml`, as the
 * nightly workflow does) is completed with metrics-server and the app image instead.
 */
export class KindDriver implements ClusterDriver {
  readonly preset = 'kind' as const;
  readonly context: string;
  readonly imagePullPolicy = 'Never' as const;
  readonly nodePort = PUBLISHED_NODE_PORT;

  constructor(private readonly runner: CommandRunner, private readonly apply: Applier, readonly cluster = 'capbench', private readonly dir = KIND_DIR) {
    this.context = `kind-${cluster}`;
  }

  async kubeconfig(): Promise<undefined> {
    return undefined;
  }

  private async clusters(): Promise<CommandResult & { names: string[] }> {
    const r = await this.runner.run('kind', ['get', 'clusters'], { timeoutMs: 30_000 });
    return { ...r, names: r.code === 0 ? r.stdout.split('\n').map((s) => s.trim()).filter(Boolean) : [] };
  }

  /** image of the control-plane container, or undefined when there is none */
  private async nodeImage(): Promise<string | undefined> {
    const r = await this.runner.run('docker', ['inspect', '--format', '{{.Config.Image}}', `${this.cluster}-control-plane`], { timeoutMs: 30_000 });
    return r.code === 0 ? firstLine(r.stdout) : undefined;
  }

  async status(): Promise<{ up: boolean; reason: string; hint?: string }> {
    const r = await this.clusters();
    if (r.code === 127) return { up: false, reason: 'kind is not installed', hint: 'bash scripts/setup/sid-tools.sh (kind from Debian), then: npx capbench cluster up kind' };
    if (r.code !== 0) return { up: false, reason: `kind get clusters failed: ${firstLine(r.stderr)}`, hint: 'is Docker running?' };
    if (!r.names.includes(this.cluster)) return { up: false, reason: `kind cluster ${this.cluster} does not exist`, hint: 'npx capbench cluster up kind' };
    return { up: true, reason: `kind cluster ${this.cluster}` };
  }

  async up(log: Log): Promise<void> {
    const r = await this.clusters();
    if (r.code === 127) throw new HarnessError('cluster up kind: kind must be installed (got: not found)', { code: 'missingEnvironment', hint: 'bash scripts/setup/sid-tools.sh (installs kind from Debian)' });
    const image = r.names.includes(this.cluster) ? await this.nodeImage() : undefined;
    if (image === undefined || isDebianNodeImage(image)) {
      log(`kind: clusters/kind/up.sh (node image from Debian, built once and cached; cluster ${this.cluster}: 1 control plane + 2 workers)`);
      await must(this.runner, 'cluster up kind', 'bash', [`${this.dir}up.sh`], 'see the output above; `npx capbench cluster down kind` and retry', 3_600_000);
      return;
    }
    log(`kind: cluster ${this.cluster} exists on ${image} (kind's own images): completing it`);
    log('kind: applying metrics-server (clusters/kind/metrics-server.yaml, --kubelet-insecure-tls)');
    await this.apply(this.context, undefined, readManifestFile(KIND_METRICS_SERVER));
    await buildImages(this.runner, log);
    await this.loadImages([APP_IMAGE], log);
  }

  async down(log: Log): Promise<void> {
    log(`kind: clusters/kind/down.sh (cluster ${this.cluster}, the docker network kind, host sysctls)`);
    await must(this.runner, 'cluster down kind', 'bash', [`${this.dir}down.sh`], 'run clusters/kind/down.sh by hand', 300_000);
  }

  async loadImages(images: readonly string[], log: Log): Promise<void> {
    for (const image of images) {
      log(`kind: loading ${image} into cluster ${this.cluster}`);
      // through clusters/kind/kind.sh: `kind load` execs into the nodes with --privileged
      await must(this.runner, 'kind', 'bash', [`${this.dir}kind.sh`, 'load', 'docker-image', image, '--name', this.cluster], 'build the image first: clusters/images/build.sh', 600_000);
    }
  }

  async crash(node: string): Promise<void> {
    const r = await this.runner.run('docker', ['kill', node], { timeoutMs: 60_000 });
    // already stopped = already crashed: idempotent
    if (r.code !== 0 && !/is not running/.test(r.stderr)) throw commandFailed('kind crash', 'docker', ['kill', node], r, 'check `docker ps -a`');
  }

  async restore(node: string): Promise<void> {
    await must(this.runner, 'kind restore', 'docker', ['start', node], 'check `docker ps -a`', 120_000);
  }

  async machinesDown(): Promise<string[]> {
    const r = await this.runner.run('docker', ['ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${this.cluster}`, '--format', '{{.Names}}\t{{.State}}'], { timeoutMs: 30_000 });
    if (r.code !== 0) return [];
    return r.stdout
      .split('\n')
      .map((l) => l.trim().split('\t'))
      .filter((f) => f.length === 2 && f[1] !== 'running')
      .map((f) => f[0]!);
  }

  async versions(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const r = await this.runner.run('kind', ['version'], { timeoutMs: 30_000 });
    if (r.code === 0) out['kind'] = firstLine(r.stdout);
    const image = await this.nodeImage();
    if (image !== undefined) out['kind node image'] = image;
    return out;
  }
}

/** a node image of clusters/kind/build-node-image.sh (not one of kind's own) */
export function isDebianNodeImage(image: string): boolean {
  return image.startsWith(`${KIND_DEBIAN_NODE_REPO}:`);
}

// ------------------------------------------------------------------ minikube

// ------------------------------------------------------------------ minikube: minikube-driver.ts

/** The driver of a preset; `env` is the CLI's (CAPBENCH_K8S_STATE moves local-k8s's state). */
export function presetDriver(preset: PresetName, runner: CommandRunner, apply: Applier, env: Env = {}): ClusterDriver {
  switch (preset) {
    case 'local-k8s':
      return new LocalK8sDriver(runner, LOCAL_K8S_DIR, env['CAPBENCH_K8S_STATE'] ?? LOCAL_K8S_STATE);
    case 'kind':
      return new KindDriver(runner, apply);
    case 'minikube':
      return new MinikubeDriver(runner);
  }
}

/**
 * For a plain `--context`: the driver that knows how its machines work, when the name
 * says so (kind-<cluster>, minikube, capbench-local-k8s); undefined for any other
 * cluster (no node crashes, no image loading there).
 */
export function driverForContext(context: string, runner: CommandRunner, apply: Applier, env: Env = {}): ClusterDriver | undefined {
  if (context === 'capbench-local-k8s') return new LocalK8sDriver(runner, LOCAL_K8S_DIR, env['CAPBENCH_K8S_STATE'] ?? LOCAL_K8S_STATE);
  if (context.startsWith('kind-') && context.length > 5) return new KindDriver(runner, apply, context.slice(5));
  if (context === 'minikube') return new MinikubeDriver(runner, 'minikube');
  return undefined;
}
