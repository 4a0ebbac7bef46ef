import type { CommandResult, CommandRunner } from '../command-runner.ts';
import { APP_IMAGE, PUBLISHED_NODE_PORT, buildImages, firstLine, must, type ClusterDriver, type Log } from './cluster-drivers.ts';

/** The forwarder's container name (one per profile) and the label it carries. */
export const minikubeForwarderName = (profile: string): string => `${profile}-capbench-forward`;
export const FORWARDER_LABEL = 'capbench.cluster-forwarder';

/**
 * The forwarder's program, run by `node -e` in the app image (offline, already built):
 * a TCP relay from :PORT to HOST:PORT, HOST and PORT as its arguments.
 */
export const FORWARDER_JS =
  "const net=require('net');const [host,port]=process.argv.slice(1);" +
  'net.createServer((c)=>{const u=net.connect(Number(port),host);const end=()=>{c.destroy();u.destroy()};' +
  "c.on('error',end);u.on('error',end);c.pipe(u).pipe(c)}).listen(Number(port),'0.0.0.0')";

/**
 * `docker run` arguments of the forwarder of `profile`: on the profile's Docker network,
 * publishing 127.0.0.1:`hostPort` (30080 for the preset), relaying to port 30080 of the
 * container named after the profile (minikube's control-plane node).
 */
export function forwarderRunArgs(profile: string, hostPort = PUBLISHED_NODE_PORT): string[] {
  return [
    'run', '-d', '--name', minikubeForwarderName(profile), '--label', `${FORWARDER_LABEL}=${profile}`, '--network', profile, '--restart', 'unless-stopped',
    '-p', `127.0.0.1:${hostPort}:${PUBLISHED_NODE_PORT}`, '--entrypoint', 'node', APP_IMAGE, '-e', FORWARDER_JS, profile, String(PUBLISHED_NODE_PORT),
  ];
}

/** One node of `minikube status -o json` (cluster.Status in minikube's pkg/minikube/cluster/status.go). */
interface MinikubeNodeStatus {
  Name: string;
  Host?: string;
  Kubelet?: string;
  APIServer?: string;
  Worker?: boolean;
}

/**
 * `minikube`: profile `capbench`, 3 nodes, Docker driver.
 *
 * Reaching the NodePort: the Docker driver publishes no NodePort, `minikube service --url`
 * answers with the node container's address (192.168.49.x), and `--ports` cannot be used:
 * minikube passes it as `-p` to *every* node's container (registry/drvs/docker configure()
 * runs per node), so the second node fails with Docker's "port is already allocated".
 * Instead a small forwarder container — the offline app image running a TCP relay — sits
 * on the profile's Docker network, publishes 127.0.0.1:30080 and relays to NodePort 30080 of
 * the control-plane container (named after the profile), which capbench never crashes;
 * kube-proxy there spreads connections over the pods on every node. A worker crash leaves
 * the forwarder and the control plane running.
 *
 * Root: minikube refuses the docker driver as root (`DRV_AS_ROOT`, exit 57) unless `--force`
 * is given; capbench passes `--force` when it runs as root (local-k8s needs root, so a root
 * user is common here) and says so. A crash is `minikube node stop`.
 */
export class MinikubeDriver implements ClusterDriver {
  readonly preset = 'minikube' as const;
  readonly context: string;
  readonly imagePullPolicy = 'Never' as const;
  readonly nodePort = PUBLISHED_NODE_PORT;
  private readonly isRoot: boolean;

  /** `isRoot`: the harness runs as uid 0 (default: asks the process; tests inject it) */
  constructor(private readonly runner: CommandRunner, readonly profile = 'capbench', o: { isRoot?: boolean } = {}) {
    this.context = profile;
    this.isRoot = o.isRoot ?? process.getuid?.() === 0;
  }

  async kubeconfig(): Promise<undefined> {
    return undefined;
  }

  /**
   * `minikube status -o json`: one object for a single node, an array for several (kept so
   * by minikube for backward compatibility); on a missing profile a JSON event instead, exit 85.
   */
  private async statusJson(): Promise<CommandResult & { nodes: MinikubeNodeStatus[] }> {
    const r = await this.runner.run('minikube', ['status', '-p', this.profile, '-o', 'json'], { timeoutMs: 60_000 });
    let nodes: MinikubeNodeStatus[] = [];
    try {
      const parsed = JSON.parse(r.stdout) as unknown;
      nodes = ((Array.isArray(parsed) ? parsed : [parsed]) as MinikubeNodeStatus[]).filter((n) => typeof n?.Name === 'string');
    } catch {
      nodes = [];
    }
    return { ...r, nodes };
  }

  private async forwarderRunning(): Promise<boolean> {
    const r = await this.runner.run('docker', ['inspect', '--format', '{{.State.Running}}', minikubeForwarderName(this.profile)], { timeoutMs: 30_000 });
    return r.code === 0 && r.stdout.trim() === 'true';
  }

  async status(): Promise<{ up: boolean; reason: string; hint?: string }> {
    const r = await this.statusJson();
    if (r.code === 127) return { up: false, reason: 'minikube is not installed', hint: 'install minikube (https://minikube.sigs.k8s.io) and Docker, then: npx capbench cluster up minikube' };
    const cp = r.nodes[0];
    if (cp === undefined || cp.Host !== 'Running') return { up: false, reason: `minikube profile ${this.profile} is not running`, hint: 'npx capbench cluster up minikube' };
    if (!(await this.forwarderRunning())) {
      return { up: false, reason: `minikube profile ${this.profile} runs, but its forwarder container ${minikubeForwarderName(this.profile)} (127.0.0.1:${PUBLISHED_NODE_PORT}) does not`, hint: 'npx capbench cluster up minikube' };
    }
    return { up: true, reason: `minikube profile ${this.profile}, ${r.nodes.length} nodes, NodePort ${PUBLISHED_NODE_PORT} on 127.0.0.1 through ${minikubeForwarderName(this.profile)}` };
  }

  async up(log: Log): Promise<void> {
    const force = this.isRoot ? ['--force'] : [];
    log(`minikube: starting profile ${this.profile} (3 nodes, docker driver${this.isRoot ? '; --force: minikube refuses the docker driver as root without it' : ''})`);
    await must(this.runner, 'cluster up minikube', 'minikube', ['start', '-p', this.profile, '--nodes', '3', '--driver', 'docker', ...force], 'see the minikube output; `minikube delete -p capbench` and retry', 1_200_000);
    log('minikube: enabling metrics-server');
    await must(this.runner, 'cluster up minikube', 'minikube', ['addons', 'enable', 'metrics-server', '-p', this.profile], 'see `minikube addons list -p capbench`', 300_000);
    await buildImages(this.runner, log);
    await this.loadImages([APP_IMAGE], log);
    await this.startForwarder(log);
  }

  /** (Re)creates the forwarder: 127.0.0.1:30080 → <control plane>:30080 on the profile's network. Idempotent. */
  private async startForwarder(log: Log): Promise<void> {
    const name = minikubeForwarderName(this.profile);
    log(`minikube: forwarder ${name}: 127.0.0.1:${PUBLISHED_NODE_PORT} → ${this.profile}:${PUBLISHED_NODE_PORT} (the control plane) on Docker network ${this.profile}`);
    await this.runner.run('docker', ['rm', '-f', name], { timeoutMs: 60_000 });
    await must(
      this.runner,
      'cluster up minikube',
      'docker',
      forwarderRunArgs(this.profile),
      `is 127.0.0.1:${PUBLISHED_NODE_PORT} taken? \`docker ps --filter publish=${PUBLISHED_NODE_PORT}\`; then npx capbench cluster up minikube`,
      120_000,
    );
  }

  async down(log: Log): Promise<void> {
    log(`minikube: deleting forwarder ${minikubeForwarderName(this.profile)} and profile ${this.profile}`);
    // `docker rm -f` of a missing container exits 1 with "No such container": nothing to remove
    await this.runner.run('docker', ['rm', '-f', minikubeForwarderName(this.profile)], { timeoutMs: 60_000 });
    await must(this.runner, 'cluster down minikube', 'minikube', ['delete', '-p', this.profile], 'run `minikube delete -p capbench` by hand', 300_000);
  }

  async loadImages(images: readonly string[], log: Log): Promise<void> {
    for (const image of images) {
      log(`minikube: loading ${image} into profile ${this.profile}`);
      await must(this.runner, 'minikube', 'minikube', ['image', 'load', image, '-p', this.profile], 'build the image first: clusters/images/build.sh', 600_000);
    }
  }

  async crash(node: string): Promise<void> {
    await must(this.runner, 'minikube crash', 'minikube', ['node', 'stop', node, '-p', this.profile], 'check `minikube status -p capbench`', 300_000);
  }

  async restore(node: string): Promise<void> {
    await must(this.runner, 'minikube restore', 'minikube', ['node', 'start', node, '-p', this.profile], 'check `minikube status -p capbench`', 300_000);
  }

  async machinesDown(): Promise<string[]> {
    const r = await this.statusJson();
    return r.nodes.filter((n) => n.Host !== 'Running' || (n.Kubelet !== undefined && n.Kubelet !== 'Running')).map((n) => n.Name);
  }

  async versions(): Promise<Record<string, string>> {
    const r = await this.runner.run('minikube', ['version', '--short'], { timeoutMs: 30_000 });
    return r.code === 0 ? { minikube: firstLine(r.stdout) } : {};
  }
}
