import { dirname } from 'node:path';
import { HarnessError } from '../../model/index.ts';
import { tail, type CommandResult, type CommandRunner } from '../command-runner.ts';
import { composeCommand, detectCompose, type ComposeCli, type ComposePreference } from './compose-cli.ts';
import { COMPOSE_SERVICE_LABEL, projectName, runIdFilter } from './labels.ts';

/** One container as `docker inspect` shows it (the fields used here). */
export interface Inspected {
  Id: string;
  Name: string;
  Image?: string;
  State: { Status: string; Running: boolean; Health?: { Status: string; Log?: Array<{ ExitCode: number; Output: string }> } };
  Config: { Env?: string[]; Labels?: Record<string, string>; Hostname?: string };
}

export function lines(out: string): string[] {
  return out.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

export function envOf(c: Inspected, name: string): string | undefined {
  const hit = c.Config.Env?.find((e) => e.startsWith(`${name}=`));
  return hit?.slice(name.length + 1);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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

export interface ComposeProjectOptions {
  runner: CommandRunner;
  composeFile: string;
  /** the app service of the compose file */
  service: string;
  /** extra variables for compose interpolation (WORK_CPU_MS, …) */
  composeVars: Record<string, string>;
  /** which Compose CLI: `auto` (v2 when `docker compose` answers, else v1), `v1` or `v2` */
  composeCli?: ComposePreference;
  /** `--base-url`: where the lb is reached instead of 127.0.0.1:<port> (Compose on another host) */
  baseUrl?: string;
}

/**
 * The Compose project of one run and the commands that drive it: the compose CLI (v2 or
 * v1, detected once), `docker`, and what the run's containers look like now. Holds what
 * every later `up` must repeat — the app version and the replica count — so a restore
 * after a crash or a rollout never undoes a scale.
 */
export class ComposeProject {
  runId: string | null = null;
  port: number | undefined;
  appVersion = 'v1';
  /** app replicas every `up` asks for (`--scale <service>=N`); set at deploy, changed by scale() */
  desired = 1;
  private cli: ComposeCli | null = null;

  constructor(readonly o: ComposeProjectOptions) {}

  /** the lb as users reach it: `--base-url`, else 127.0.0.1:<port> */
  get url(): string {
    return this.o.baseUrl ?? `http://127.0.0.1:${this.port}`;
  }

  get service(): string {
    return this.o.service;
  }

  /** Compose project of the current run (null before deploy). */
  get name(): string | null {
    return this.runId === null ? null : projectName(this.runId);
  }

  /** the compose CLI found here (detected on first use; throws HarnessError when none) */
  async compose(): Promise<ComposeCli> {
    this.cli ??= await detectCompose(this.o.runner, this.o.composeCli ?? 'auto');
    return this.cli;
  }

  /** the CLI if it was detected already (for describe(), which must not block) */
  get knownCli(): ComposeCli | null {
    return this.cli;
  }

  private env(): Record<string, string> {
    return {
      ...this.o.composeVars,
      CAPBENCH_RUN_ID: this.runId ?? '',
      CAPBENCH_PORT: String(this.port ?? 18080),
      APP_VERSION: this.appVersion,
    };
  }

  /** `up -d` arguments that keep the app at `desired` replicas, then `extra` */
  upArgs(...extra: string[]): string[] {
    return ['up', '-d', '--scale', `${this.service}=${this.desired}`, ...extra];
  }

  /** Runs `compose <sub>` for this run's project; throws HarnessError on failure. */
  async run(sub: string[], what: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<CommandResult> {
    const cli = await this.compose();
    const project = this.name;
    if (project === null) throw new HarnessError(`compose: ${what} needs a deployed run (deploy was not called)`, { code: 'internal' });
    const { file, args } = composeCommand(cli, project, this.o.composeFile, sub);
    const r = await this.o.runner.run(file, args, {
      env: this.env(),
      cwd: dirname(this.o.composeFile),
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

  docker(args: string[], timeoutMs = 60_000): Promise<CommandResult> {
    return this.o.runner.run('docker', args, { timeoutMs });
  }

  /** IDs from a `docker … -q`-style listing; throws when docker fails. */
  async ids(args: string[], what: string): Promise<string[]> {
    const r = await this.docker(args);
    if (r.code !== 0) throw new HarnessError(`compose: ${what} must succeed (got exit ${r.code}: ${tail(r.stderr, 3)})`, { code: 'internal' });
    return lines(r.stdout);
  }

  /** Containers of this run's app service, inspected. */
  async appContainers(): Promise<Inspected[]> {
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

  /** The host is down when the run has containers and none of them runs. */
  async hostDown(): Promise<boolean> {
    if (this.runId === null) return false;
    const all = await this.ids(['ps', '-a', '-q', '--filter', runIdFilter(this.runId)], 'listing containers');
    if (all.length === 0) return false;
    const running = await this.ids(['ps', '-q', '--filter', runIdFilter(this.runId)], 'listing running containers');
    return running.length === 0;
  }
}
