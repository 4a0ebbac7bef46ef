import { existsSync } from 'node:fs';
import { freePort, httpStatus } from '../net.ts';
import { runIsAlive } from '../../store/run-lease.ts';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { HarnessError, unknownName } from '../../model/index.ts';
import type { Sampler } from '../../sampling/sampler.ts';
import type {
  DeployOptions,
  NodesCapability,
  Target,
  TargetCapabilities,
  Usability,
  WorkloadsCapability,
} from '../target.ts';
import { execFileRunner, tail, type CommandResult, type CommandRunner } from '../command-runner.ts';
import { composeCommand, detectCompose, dockerServerVersion, type ComposeCli } from './compose-cli.ts';
import { readComposeFile, type ComposeFileFacts } from './compose-file.ts';
import { ComposeSampler, type DockerApi } from './compose-sampler.ts';
import { COMPOSE_PROJECT_LABEL, COMPOSE_SERVICE_LABEL, MANAGED_LABEL, RUN_ID_LABEL, projectName, runIdFilter } from './labels.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DEFAULT_COMPOSE_FILE = resolve(REPO_ROOT, 'clusters/compose/compose.yaml');
export const BUILD_SCRIPT = resolve(REPO_ROOT, 'clusters/images/build.sh');
/** Images of the built-in stack (built by clusters/images/build.sh). */
export const BUILT_IN_IMAGES = { app: 'capbench/app:v1', lb: 'capbench/lb:1' } as const;
/** The one node of a Compose target: the Docker host. */
export const HOST_NODE = 'host';

export interface ComposeTargetOptions {
  /** compose file to run; default clusters/compose/compose.yaml of this repo */
  composeFile?: string;
  /** 127.0.0.1 port the lb is published on; default: a free port picked at deploy */
  port?: number;
  /** runs docker / compose commands; tests inject a recording runner */
  runner?: CommandRunner;
  /** Docker Engine API for the sampler; default `new Dockerode()` (DOCKER_HOST or the local socket) */
  docker?: DockerApi;
  /** seconds a crashed host stays down before the node-crash fault restores it; default 120 */
  rebootDelayS?: number;
  /** deploy: how long to wait for healthy replicas and /readyz through the lb; default 120 000 */
  readyTimeoutMs?: number;
  /** the app service of the compose file; default `api` */
  service?: string;
  /** build missing images with clusters/images/build.sh; default: true for the built-in compose file only */
  buildImages?: boolean;
  /** extra variables for compose interpolation (WORK_CPU_MS, WORK_UPSTREAM_MS, DRAIN_DELAY_MS, …) */
  env?: Record<string, string>;
  /** GET a loopback URL and return its status (0 = no answer); tests inject it */
  httpStatus?: (url: string, signal: AbortSignal) => Promise<number>;
  /** target name in reports; default `compose` */
  name?: string;
}

/** One container as `docker inspect` shows it (the fields used here). */
interface Inspected {
  Id: string;
  Name: string;
  Image?: string;
  State: { Status: string; Running: boolean; Health?: { Status: string; Log?: Array<{ ExitCode: number; Output: string }> } };
  Config: { Env?: string[]; Labels?: Record<string, string> };
}

const defaultHttpStatus = (url: string, signal: AbortSignal): Promise<number> => httpStatus(url, { signal });

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((res) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      res();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function lines(out: string): string[] {
  return out.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

function envOf(c: Inspected, name: string): string | undefined {
  const hit = c.Config.Env?.find((e) => e.startsWith(`${name}=`));
  return hit?.slice(name.length + 1);
}

/**
 * The app on Docker Compose (v2 `docker compose` or v1 `docker-compose`): `api` replicas
 * behind an HAProxy `lb` published on 127.0.0.1, as project `capbench-<run id>`, every
 * object labelled `capbench.run-id=<run id>` and `capbench.managed=true`.
 * Capabilities: `nodes` (the Docker host crashes: every container SIGKILLed; restored by
 * `up -d` as after a reboot) and `workloads` (rollout = `up -d --no-deps --force-recreate api`).
 */
export class ComposeTarget implements Target {
  readonly name: string;
  readonly kind = 'compose' as const;
  readonly composeFile: string;
  readonly rebootDelayS: number;
  private readonly runner: CommandRunner;
  private readonly service: string;
  private readonly builtIn: boolean;
  private readonly buildImages: boolean;
  private readonly readyTimeoutMs: number;
  private readonly extraEnv: Record<string, string>;
  private readonly httpStatus: (url: string, signal: AbortSignal) => Promise<number>;
  private readonly dockerApi: DockerApi | undefined;
  private port: number | undefined;
  private runId: string | null = null;
  private appVersion = 'v1';
  private cli: ComposeCli | null = null;
  private facts: ComposeFileFacts | null = null;

  constructor(opts: ComposeTargetOptions = {}) {
    this.name = opts.name ?? 'compose';
    this.composeFile = resolve(opts.composeFile ?? DEFAULT_COMPOSE_FILE);
    this.builtIn = this.composeFile === DEFAULT_COMPOSE_FILE;
    this.buildImages = opts.buildImages ?? this.builtIn;
    this.port = opts.port;
    this.runner = opts.runner ?? execFileRunner;
    this.dockerApi = opts.docker;
    this.rebootDelayS = opts.rebootDelayS ?? 120;
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 120_000;
    this.service = opts.service ?? 'api';
    this.extraEnv = { ...(opts.env ?? {}) };
    this.httpStatus = opts.httpStatus ?? defaultHttpStatus;
  }

  /** Compose project of the current run (null before deploy). */
  get project(): string | null {
    return this.runId === null ? null : projectName(this.runId);
  }

  private fileFacts(): ComposeFileFacts {
    this.facts ??= readComposeFile(this.composeFile, this.service);
    return this.facts;
  }

  private async compose(): Promise<ComposeCli> {
    this.cli ??= await detectCompose(this.runner);
    return this.cli;
  }

  private composeEnv(): Record<string, string> {
    return {
      ...this.extraEnv,
      CAPBENCH_RUN_ID: this.runId ?? '',
      CAPBENCH_PORT: String(this.port ?? 18080),
      APP_VERSION: this.appVersion,
    };
  }

  /** Runs `compose <sub>` for this run's project; throws HarnessError on failure. */
  private async runCompose(sub: string[], what: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<CommandResult> {
    const cli = await this.compose();
    const project = this.project;
    if (project === null) throw new HarnessError(`compose: ${what} needs a deployed run (deploy was not called)`, { code: 'internal' });
    const { file, args } = composeCommand(cli, project, this.composeFile, sub);
    const r = await this.runner.run(file, args, {
      env: this.composeEnv(),
      cwd: dirname(this.composeFile),
      timeoutMs: opts.timeoutMs ?? 300_000,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    if (r.code !== 0) {
      throw new HarnessError(`compose: ${what} must succeed (got exit ${r.code}: ${tail(r.stderr || r.stdout, 8)})`, {
        code: r.code === 127 ? 'missingEnvironment' : 'internal',
        hint: `${[file, ...args].join(' ')}`,
      });
    }
    return r;
  }

  private async docker(args: string[], timeoutMs = 60_000): Promise<CommandResult> {
    return this.runner.run('docker', args, { timeoutMs });
  }

  /** IDs from a `docker … -q`-style listing; throws when docker fails. */
  private async ids(args: string[], what: string): Promise<string[]> {
    const r = await this.docker(args);
    if (r.code !== 0) throw new HarnessError(`compose: ${what} must succeed (got exit ${r.code}: ${tail(r.stderr, 3)})`, { code: 'internal' });
    return lines(r.stdout);
  }

  /** Containers of this run's app service, inspected. */
  private async appContainers(): Promise<Inspected[]> {
    if (this.runId === null) return [];
    const ids = await this.ids(
      ['ps', '-a', '-q', '--no-trunc', '--filter', runIdFilter(this.runId), '--filter', `label=${COMPOSE_SERVICE_LABEL}=${this.service}`],
      'listing the app containers',
    );
    if (ids.length === 0) return [];
    const r = await this.docker(['inspect', ...ids]);
    // a container may vanish between ps and inspect (recreated): inspect prints what it found
    try {
      return JSON.parse(r.stdout || '[]') as Inspected[];
    } catch {
      return [];
    }
  }

  private async imagesPresent(): Promise<boolean> {
    const r = await this.docker(['image', 'inspect', '--format', '{{.Id}}', BUILT_IN_IMAGES.app, BUILT_IN_IMAGES.lb]);
    return r.code === 0;
  }

  /** Docker answers, a compose CLI exists, the compose file names the app service, images present or buildable. Never throws. */
  async probe(): Promise<Usability> {
    try {
      const docker = await dockerServerVersion(this.runner);
      const cli = await this.compose();
      const facts = this.fileFacts();
      let images = `compose file ${relative(REPO_ROOT, this.composeFile) || this.composeFile}`;
      if (this.builtIn) {
        if (await this.imagesPresent()) images = 'images present';
        else if (!this.buildImages) {
          return { usable: false, reason: `images ${BUILT_IN_IMAGES.app}, ${BUILT_IN_IMAGES.lb} missing`, hint: BUILD_SCRIPT };
        } else if (!existsSync(BUILD_SCRIPT)) {
          return { usable: false, reason: `images missing and ${BUILD_SCRIPT} not found`, hint: 'git checkout clusters/images' };
        } else if (process.env['BASE_IMAGE'] === undefined && process.getuid?.() !== 0) {
          // offline base needs debootstrap (root); with a registry, build.sh works as any docker user
          images = 'images missing: clusters/images/build.sh will build them (offline base needs root)';
        } else images = 'images missing: clusters/images/build.sh will build them at deploy';
      }
      return {
        usable: true,
        reason: `docker ${docker}, ${cli.argv.join(' ')} ${cli.version}, ${facts.replicas} × ${this.service}, ${images}`,
      };
    } catch (err) {
      const e = err as HarnessError;
      return { usable: false, reason: e.message, ...(e.hint === undefined ? {} : { hint: e.hint }) };
    }
  }

  /** Builds missing images, `up -d`, waits for healthy replicas and 200 from /readyz through the lb. */
  async deploy(opts: DeployOptions): Promise<void> {
    this.runId = opts.runId;
    this.appVersion = opts.appVersion;
    const docker = await dockerServerVersion(this.runner);
    const cli = await this.compose();
    const facts = this.fileFacts();
    opts.onProgress(`compose: docker ${docker}, ${cli.argv.join(' ')} ${cli.version}, project ${this.project}`);

    if (this.builtIn && this.buildImages && !(await this.imagesPresent())) {
      opts.onProgress(`compose: building images with ${relative(REPO_ROOT, BUILD_SCRIPT)} (first time: a minute or two)`);
      const started = performance.now();
      const r = await this.runner.run(BUILD_SCRIPT, [], { timeoutMs: 30 * 60_000, signal: opts.signal });
      if (r.code !== 0) {
        throw new HarnessError(`compose: building images must succeed (got exit ${r.code}: ${tail(r.stderr || r.stdout, 10)})`, {
          code: 'missingEnvironment',
          hint: BUILD_SCRIPT,
        });
      }
      opts.onProgress(`compose: images built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    this.port ??= await freePort();
    opts.onProgress(`compose: up -d (${facts.replicas} × ${this.service}, lb on 127.0.0.1:${this.port})`);
    await this.runCompose(['up', '-d'], 'up -d', { signal: opts.signal });
    // any version counts here: a custom compose file need not pass APP_VERSION to the app
    await this.waitReady(facts.replicas, null, Date.now() + this.readyTimeoutMs, opts.signal, opts.onProgress);
  }

  /**
   * Resolves when `replicas` app containers run `version` and are healthy and /readyz answers
   * 200 through the lb; throws HarnessError with the last health output at the deadline (epoch ms).
   */
  private async waitReady(
    replicas: number,
    version: string | null,
    deadlineEpochMs: number,
    signal: AbortSignal,
    onProgress: (line: string) => void,
  ): Promise<void> {
    let last = '';
    let lastHealth = '';
    for (;;) {
      if (signal.aborted) throw new HarnessError('compose: waiting for replicas was interrupted', { code: 'interrupted' });
      let containers: Inspected[] = [];
      try {
        containers = await this.appContainers();
      } catch (err) {
        lastHealth = (err as Error).message;
      }
      const current = containers.filter((c) => version === null || envOf(c, 'APP_VERSION') === version);
      const running = current.filter((c) => c.State.Running);
      const healthy = running.filter((c) => (c.State.Health?.Status ?? 'healthy') === 'healthy');
      const others = containers.filter((c) => c.State.Running && !current.includes(c)).length;
      let readyz = -1;
      if (healthy.length >= replicas && others === 0) readyz = await this.httpStatus(`${this.baseUrl()}/readyz`, signal);
      const state =
        `${healthy.length}/${replicas} ${this.service} healthy${version === null ? '' : ` on ${version}`}` +
        `${others > 0 ? `, ${others} on another version` : ''}` +
        (readyz === -1 ? '' : `, lb /readyz ${readyz === 0 ? 'no answer' : readyz}`);
      if (state !== last) onProgress(`compose: ${state}`);
      last = state;
      if (readyz === 200) return;
      lastHealth = containers
        .map((c) => {
          const log = c.State.Health?.Log?.at(-1);
          const out = log === undefined ? '' : ` last check exit ${log.ExitCode}: ${log.Output.trim().slice(0, 300)}`;
          return `${c.Name.replace(/^\//, '')} ${c.State.Status}${c.State.Health ? ` (${c.State.Health.Status})` : ''}${out}`;
        })
        .join('; ') || lastHealth || 'no app containers';
      if (Date.now() >= deadlineEpochMs) {
        throw new HarnessError(`compose: ${replicas} healthy ${this.service} replicas behind the lb must answer /readyz 200 in time (got ${state}; ${lastHealth})`, {
          code: 'internal',
          hint: `docker ps -a --filter ${runIdFilter(this.runId ?? '')}; docker logs <container>`,
        });
      }
      await sleep(1000, signal);
    }
  }

  /** `http://127.0.0.1:<port>` of the lb. */
  baseUrl(): string {
    if (this.port === undefined) throw new HarnessError('compose: baseUrl() must be called after deploy (no port yet)', { code: 'internal' });
    return `http://127.0.0.1:${this.port}`;
  }

  /** A fresh sampler of this run's replicas (call after deploy). */
  sampler(): Sampler {
    if (this.runId === null) throw new HarnessError('compose: sampler() must be called after deploy', { code: 'internal' });
    return new ComposeSampler({
      docker: this.dockerApi ?? new Dockerode(),
      runId: this.runId,
      service: this.service,
      desiredReplicas: this.fileFacts().replicas,
      nodeName: HOST_NODE,
    });
  }

  capabilities(): TargetCapabilities {
    return { nodes: this.nodesCapability(), workloads: this.workloadsCapability() };
  }

  private checkNode(name: string): void {
    if (name !== HOST_NODE) throw unknownName(`${this.name}: nodes`, 'node', name, [HOST_NODE]);
  }

  private nodesCapability(): NodesCapability {
    return {
      rebootDelayS: this.rebootDelayS,
      workers: async () => {
        const running = (await this.appContainers()).filter((c) => c.State.Running).length;
        const down = await this.hostDown();
        return [{ name: HOST_NODE, appReplicas: running, ready: !down }];
      },
      crash: async (name) => {
        this.checkNode(name);
        if (this.runId === null) return;
        const ids = await this.ids(['ps', '-q', '--filter', runIdFilter(this.runId)], 'listing running containers');
        if (ids.length === 0) return;
        // a dying machine: every process gets SIGKILL at once. Docker treats `kill` as a
        // manual stop, so restart policies do not bring them back until restore().
        const r = await this.docker(['kill', '--signal', 'KILL', ...ids]);
        if (r.code !== 0 && !/is not running/.test(r.stderr)) {
          throw new HarnessError(`compose: docker kill must succeed (got exit ${r.code}: ${tail(r.stderr, 3)})`, { code: 'internal' });
        }
      },
      restore: async (name) => {
        this.checkNode(name);
        if (this.runId === null) return;
        // after a reboot the daemon starts the containers again; `up -d` does the same
        await this.runCompose(['up', '-d'], 'up -d (restore)');
      },
      down: async () => ((await this.hostDown()) ? [HOST_NODE] : []),
    };
  }

  /** The host is down when the run has containers and none of them runs. */
  private async hostDown(): Promise<boolean> {
    if (this.runId === null) return false;
    const all = await this.ids(['ps', '-a', '-q', '--filter', runIdFilter(this.runId)], 'listing containers');
    if (all.length === 0) return false;
    const running = await this.ids(['ps', '-q', '--filter', runIdFilter(this.runId)], 'listing running containers');
    return running.length === 0;
  }

  private workloadsCapability(): WorkloadsCapability {
    return {
      rollOut: async (version) => {
        this.appVersion = version;
        // what Compose users do: recreate the service with the new version; no surge, no readiness gate
        await this.runCompose(['up', '-d', '--no-deps', '--force-recreate', this.service], `rollout of ${version}`);
      },
      waitRolledOut: async (version, deadlineMs, signal) => {
        // deadlineMs: an epoch-ms deadline, or (values below 1e12) a duration from now
        const deadline = deadlineMs > 1e12 ? deadlineMs : Date.now() + deadlineMs;
        await this.waitReady(this.fileFacts().replicas, version, deadline, signal, () => undefined);
      },
    };
  }

  async versions(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    try {
      out['docker'] = await dockerServerVersion(this.runner);
      const cli = await this.compose();
      out['compose'] = `${cli.argv.join(' ')} ${cli.version}`;
    } catch (err) {
      out['error'] = (err as Error).message;
    }
    if (this.builtIn) {
      for (const image of [BUILT_IN_IMAGES.app, BUILT_IN_IMAGES.lb]) {
        const r = await this.docker(['image', 'inspect', '--format', '{{.Id}} {{index .Config.Labels "capbench.base-image"}}', image]);
        if (r.code === 0) {
          const [id, base] = r.stdout.trim().split(' ');
          out[`image ${image}`] = id ?? '';
          if (base !== undefined && base !== '') out[`image ${image} base`] = base;
        }
      }
    }
    return out;
  }

  describe(): Record<string, string | number> {
    const d: Record<string, string | number> = {
      composeFile: relative(REPO_ROOT, this.composeFile) || this.composeFile,
      lb: this.builtIn ? 'haproxy' : 'as in the compose file',
      rebootDelayS: this.rebootDelayS,
    };
    try {
      const f = this.fileFacts();
      d['replicas'] = f.replicas;
      if (f.cpusPerReplica !== null) d['cpusPerReplica'] = f.cpusPerReplica;
      if (f.memoryPerReplica !== null) d['memoryPerReplica'] = f.memoryPerReplica;
    } catch (err) {
      d['error'] = (err as Error).message;
    }
    if (this.project !== null) d['project'] = this.project;
    if (this.cli !== null) d['compose'] = `${this.cli.argv.join(' ')} ${this.cli.version}`;
    return d;
  }

  /** `down -v --remove-orphans`, then removes anything still labelled with the run id. Idempotent. */
  async teardown(opts: { fast: boolean }): Promise<void> {
    if (this.runId === null) return;
    const problems: string[] = [];
    try {
      await this.runCompose(['down', '-v', '--remove-orphans', '--timeout', opts.fast ? '0' : '10'], 'down');
    } catch (err) {
      problems.push((err as Error).message);
    }
    const left = await this.removeRun(this.runId);
    if (left.length > 0) {
      throw new HarnessError(`compose: teardown must leave nothing labelled ${RUN_ID_LABEL}=${this.runId} (got ${left.join(', ')}; ${problems.join('; ')})`, {
        code: 'internal',
        hint: `docker ps -a --filter ${runIdFilter(this.runId)}; docker network ls --filter ${runIdFilter(this.runId)}`,
      });
    }
  }

  /** Removes containers, networks and volumes labelled with `runId`; returns what is still there. */
  private async removeRun(runId: string): Promise<string[]> {
    const filter = runIdFilter(runId);
    const kinds: Array<{ list: string[]; rm: string[] }> = [
      { list: ['ps', '-a', '-q', '--filter', filter], rm: ['rm', '-f', '-v'] },
      { list: ['network', 'ls', '-q', '--filter', filter], rm: ['network', 'rm'] },
      { list: ['volume', 'ls', '-q', '--filter', filter], rm: ['volume', 'rm', '-f'] },
    ];
    const left: string[] = [];
    for (const k of kinds) {
      const kind = k.list[0] === 'ps' ? 'container' : k.list[0];
      const found = await this.docker(k.list);
      if (found.code !== 0) {
        left.push(`${kind}s unknown (docker ${k.list.slice(0, 2).join(' ')}: exit ${found.code}: ${tail(found.stderr, 1)})`);
        continue;
      }
      if (lines(found.stdout).length === 0) continue;
      await this.docker([...k.rm, ...lines(found.stdout)]);
      const still = lines((await this.docker(k.list)).stdout);
      left.push(...still.map((id) => `${kind} ${id.slice(0, 12)}`));
    }
    return left;
  }

  /** Run ids (other than this run's) that own Compose-made, capbench-managed objects, with what they own. */
  private async staleRuns(): Promise<Map<string, string[]>> {
    const managed = `label=${MANAGED_LABEL}=true`;
    const composeMade = `label=${COMPOSE_PROJECT_LABEL}`;
    const runLabel = `{{.Label "${RUN_ID_LABEL}"}}`;
    const listings: Array<[string, string[]]> = [
      ['container', ['ps', '-a', '--filter', managed, '--filter', composeMade, '--format', `{{.Names}}\t${runLabel}`]],
      ['network', ['network', 'ls', '--filter', managed, '--filter', composeMade, '--format', `{{.Name}}\t${runLabel}`]],
      ['volume', ['volume', 'ls', '--filter', managed, '--filter', composeMade, '--format', `{{.Name}}\t${runLabel}`]],
    ];
    const runs = new Map<string, string[]>();
    for (const [kind, args] of listings) {
      const r = await this.docker(args);
      if (r.code !== 0) throw new HarnessError(`compose: docker ${args.slice(0, 2).join(' ')} must succeed (got exit ${r.code}: ${tail(r.stderr, 3)})`, { code: 'missingEnvironment' });
      for (const line of lines(r.stdout)) {
        const [name = '', runId = ''] = line.split('\t');
        if (runId === '' || runId === this.runId || runIsAlive(runId)) continue; // a live run is not a leftover
        const list = runs.get(runId) ?? [];
        list.push(`${kind} ${name} (run ${runId})`);
        runs.set(runId, list);
      }
    }
    return runs;
  }

  /** Compose objects labelled capbench.managed=true that belong to another run. */
  async leftovers(): Promise<string[]> {
    return [...(await this.staleRuns()).values()].flat();
  }

  /** Removes the leftovers of other runs, by their run-id label; returns what was removed. */
  async cleanup(): Promise<string[]> {
    const removed: string[] = [];
    const left: string[] = [];
    for (const [runId, objects] of await this.staleRuns()) {
      const still = await this.removeRun(runId);
      (still.length === 0 ? removed : left).push(...(still.length === 0 ? objects : still));
    }
    if (left.length > 0) {
      throw new HarnessError(`compose: cleanup must remove every leftover (got still there: ${left.join(', ')})`, { code: 'internal' });
    }
    return removed;
  }
}
