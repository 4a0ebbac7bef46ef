import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import Dockerode from 'dockerode';
import { HarnessError } from '../../model/index.ts';
import { TARGET_ENTRY } from '../entries.ts';
import type { Sampler } from '../../sampling/sampler.ts';
import { commandRunner, type CommandRunner } from '../command-runner.ts';
import { getServedBy } from '../net.ts';
import { needLiveness, type RunIsAlive } from '../run-liveness.ts';
import type { DeployOptions, Env, Target, TargetCapabilities, Usability } from '../target.ts';
import { dockerServerVersion, type ComposePreference } from './compose-cli.ts';
import { readComposeFile, type ComposeFileFacts } from './compose-file.ts';
import { BUILD_SCRIPT, BUILT_IN_IMAGES, DEFAULT_COMPOSE_FILE, REPO_ROOT, deployCompose, imagesPresent, type HttpGet } from './deploy.ts';
import { cleanupCompose, composeLeftovers, teardownRun } from './leftovers.ts';
import { HOST_NODE, composeNodes } from './nodes.ts';
import { ComposeProject } from './project.ts';
import { composeReplicas } from './replicas.ts';
import { ComposeSampler, type DockerApi } from './sampler.ts';
import { composeWorkloads } from './workloads.ts';

export { BUILD_SCRIPT, BUILT_IN_IMAGES, DEFAULT_COMPOSE_FILE } from './deploy.ts';
export { HOST_NODE } from './nodes.ts';

export interface ComposeTargetOptions {
  /** compose file to run; default clusters/compose/compose.yaml of this repo */
  composeFile?: string;
  /** 127.0.0.1 port the lb is published on; default: a free port picked at deploy */
  port?: number;
  /** the environment docker / compose commands run with (the CLI passes its own); default none */
  env?: Env;
  /** runs docker / compose commands; default a real runner with `env`; tests inject a recording one */
  runner?: CommandRunner;
  /** Docker Engine API for the sampler; default `new Dockerode()` (DOCKER_HOST or the local socket) */
  docker?: DockerApi;
  /**
   * true while the harness of a run is alive (the CLI passes the store's run lease): its
   * objects are then no leftover. leftovers() and cleanup() refuse to work without it.
   */
  runIsAlive?: RunIsAlive;
  /** seconds a crashed host stays down before the node-crash fault restores it; default 120 */
  rebootDelayS?: number;
  /** deploy and scale: how long to wait for healthy replicas and /readyz through the lb; default 120 000 */
  readyTimeoutMs?: number;
  /** the app service of the compose file; default `api` */
  service?: string;
  /** build missing images with clusters/images/build.sh; default: true for the built-in compose file only */
  buildImages?: boolean;
  /** extra variables for compose interpolation (WORK_CPU_MS, WORK_UPSTREAM_MS, DRAIN_DELAY_MS, …) */
  composeVars?: Record<string, string>;
  /** GET a loopback URL: status (0 = no answer) and x-served-by; tests inject it */
  httpGet?: HttpGet;
  /** target name in reports; default `compose` */
  name?: string;
  /** which Compose CLI: `auto` (default: v2 when `docker compose` answers, else v1), `v1` or `v2` */
  composeCli?: ComposePreference;
  /**
   * `--base-url`: the lb as users reach it (Compose on another host: DOCKER_HOST, the lb
   * published there) instead of 127.0.0.1:<port>; the CLI has judged it (loopback or
   * --allow-remote). Readiness and the load both go there.
   */
  baseUrl?: string;
}

/**
 * The app on Docker Compose (v2 `docker compose` or v1 `docker-compose`): `api` replicas
 * behind an HAProxy `lb` published on 127.0.0.1, as project `capbench-<run id>`, every
 * object labelled `capbench.run-id=<run id>` and `capbench.managed=true`.
 * Capabilities: `nodes` (the Docker host crashes), `workloads` (rollout = recreate the
 * service) and `replicas` (`--scale api=N`, 1..32). One file per concern beside this one:
 * project (the commands), deploy, nodes, workloads, replicas, leftovers, sampler.
 */
export class ComposeTarget implements Target {
  readonly name: string;
  readonly kind = 'compose' as const;
  readonly composeFile: string;
  readonly rebootDelayS: number;
  private readonly env: Env;
  private readonly builtIn: boolean;
  private readonly buildImages: boolean;
  private readonly readyTimeoutMs: number;
  private readonly httpGet: HttpGet;
  private readonly runIsAlive: RunIsAlive | undefined;
  private readonly dockerApi: DockerApi | undefined;
  private readonly project: ComposeProject;
  private facts: ComposeFileFacts | null = null;
  private caps: TargetCapabilities | null = null;

  constructor(opts: ComposeTargetOptions = {}) {
    this.name = opts.name ?? 'compose';
    this.composeFile = resolve(opts.composeFile ?? DEFAULT_COMPOSE_FILE);
    this.builtIn = this.composeFile === DEFAULT_COMPOSE_FILE;
    this.buildImages = opts.buildImages ?? this.builtIn;
    this.env = opts.env ?? {};
    this.dockerApi = opts.docker;
    this.rebootDelayS = opts.rebootDelayS ?? 120;
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 120_000;
    this.httpGet = opts.httpGet ?? ((url, signal) => getServedBy(url, signal));
    this.runIsAlive = opts.runIsAlive;
    this.project = new ComposeProject({
      runner: opts.runner ?? commandRunner(this.env),
      composeFile: this.composeFile,
      service: opts.service ?? 'api',
      composeVars: { ...(opts.composeVars ?? {}) },
      ...(opts.composeCli === undefined ? {} : { composeCli: opts.composeCli }),
      ...(opts.baseUrl === undefined ? {} : { baseUrl: opts.baseUrl }),
    });
    this.project.port = opts.port;
  }

  /** Compose project of the current run (null before deploy). */
  get projectName(): string | null {
    return this.project.name;
  }

  private fileFacts(): ComposeFileFacts {
    this.facts ??= readComposeFile(this.composeFile, this.project.service);
    return this.facts;
  }

  /** Docker answers, a compose CLI exists, the compose file names the app service, images present or buildable. Never throws. */
  async probe(): Promise<Usability> {
    try {
      const docker = await dockerServerVersion(this.project.o.runner);
      const cli = await this.project.compose();
      const facts = this.fileFacts();
      let images = `compose file ${relative(REPO_ROOT, this.composeFile) || this.composeFile}`;
      if (this.builtIn) {
        if (await imagesPresent(this.project)) images = 'images present';
        else if (!this.buildImages) {
          return { usable: false, reason: `images ${BUILT_IN_IMAGES.app}, ${BUILT_IN_IMAGES.lb} missing`, hint: BUILD_SCRIPT };
        } else if (!existsSync(BUILD_SCRIPT)) {
          return { usable: false, reason: `images missing and ${BUILD_SCRIPT} not found`, hint: 'git checkout clusters/images' };
        } else if (this.env['BASE_IMAGE'] === undefined && process.getuid?.() !== 0) {
          // offline base needs debootstrap (root); with a registry, build.sh works as any docker user
          images = 'images missing: clusters/images/build.sh will build them (offline base needs root)';
        } else images = 'images missing: clusters/images/build.sh will build them at deploy';
      }
      return {
        usable: true,
        reason: `docker ${docker}, ${cli.argv.join(' ')} ${cli.version}, ${facts.replicas} × ${this.project.service}, ${images}`,
      };
    } catch (err) {
      const e = err as HarnessError;
      return { usable: false, reason: e.message, ...(e.hint === undefined ? {} : { hint: e.hint }) };
    }
  }

  /** Builds missing images, `up -d`, waits for healthy replicas and 200 from /readyz through the lb. */
  async deploy(opts: DeployOptions): Promise<void> {
    await deployCompose(this.project, opts, {
      buildImages: this.builtIn && this.buildImages,
      replicas: this.fileFacts().replicas,
      readyTimeoutMs: this.readyTimeoutMs,
      httpGet: this.httpGet,
    });
  }

  /** `http://127.0.0.1:<port>` of the lb, or `--base-url`. */
  baseUrl(): string {
    if (this.project.port === undefined) throw new HarnessError('compose: baseUrl() must be called after deploy (no port yet)', { code: 'internal' });
    return this.project.url;
  }

  /** A fresh sampler of this run's replicas (call after deploy). */
  sampler(): Sampler {
    const runId = this.project.runId;
    if (runId === null) throw new HarnessError('compose: sampler() must be called after deploy', { code: 'internal' });
    return new ComposeSampler({
      docker: this.dockerApi ?? new Dockerode(),
      runId,
      service: this.project.service,
      desiredReplicas: () => this.project.desired,
      nodeName: HOST_NODE,
    });
  }

  capabilities(): TargetCapabilities {
    this.caps ??= {
      nodes: composeNodes(this.project, this.name, this.rebootDelayS),
      workloads: composeWorkloads(this.project, this.httpGet),
      replicas: composeReplicas(this.project, { target: this.name, readyTimeoutMs: this.readyTimeoutMs, httpGet: this.httpGet }),
    };
    return this.caps;
  }

  async versions(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    try {
      out['docker'] = await dockerServerVersion(this.project.o.runner);
      const cli = await this.project.compose();
      out['compose'] = `${cli.argv.join(' ')} ${cli.version}`;
    } catch (err) {
      out['error'] = (err as Error).message;
    }
    if (this.builtIn) {
      for (const image of [BUILT_IN_IMAGES.app, BUILT_IN_IMAGES.lb]) {
        const r = await this.project.docker(['image', 'inspect', '--format', '{{.Id}} {{index .Config.Labels "capbench.base-image"}}', image]);
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
      entry: this.builtIn ? TARGET_ENTRY.haproxy : 'as in the compose file',
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
    if (this.project.name !== null) d['project'] = this.project.name;
    const cli = this.project.knownCli;
    if (cli !== null) d['compose'] = `${cli.argv.join(' ')} ${cli.version}`;
    return d;
  }

  /** `down -v --remove-orphans`, then removes anything still labelled with the run id. Idempotent. */
  async teardown(opts: { fast: boolean }): Promise<void> {
    await teardownRun(this.project, opts.fast);
  }

  /** Compose objects labelled capbench.managed=true that belong to another run whose harness is gone. */
  async leftovers(): Promise<string[]> {
    return composeLeftovers(this.project, needLiveness(this.name, this.runIsAlive));
  }

  /** Removes the leftovers of other runs, by their run-id label; returns what was removed. */
  async cleanup(): Promise<string[]> {
    return cleanupCompose(this.project, needLiveness(this.name, this.runIsAlive));
  }
}
