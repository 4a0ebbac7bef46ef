import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../../model/index.ts';
import { tail } from '../command-runner.ts';
import { freePort, servedByExactly, type ServedBy } from '../net.ts';
import type { DeployOptions } from '../target.ts';
import { dockerServerVersion } from './compose-cli.ts';
import { runIdFilter } from './labels.ts';
import { envOf, sleep, type ComposeProject, type Inspected } from './project.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DEFAULT_COMPOSE_FILE = resolve(REPO_ROOT, 'clusters/compose/compose.yaml');
export const BUILD_SCRIPT = resolve(REPO_ROOT, 'clusters/images/build.sh');
/** Images of the built-in stack (built by clusters/images/build.sh). lb:2 = 32 replica slots. */
export const BUILT_IN_IMAGES = { app: 'capbench/app:v1', lb: 'capbench/lb:2' } as const;

/** GET a loopback URL: status (0 = no answer) and x-served-by. Injected in tests. */
export type HttpGet = (url: string, signal: AbortSignal) => Promise<ServedBy>;

export async function imagesPresent(p: ComposeProject): Promise<boolean> {
  const r = await p.docker(['image', 'inspect', '--format', '{{.Id}}', BUILT_IN_IMAGES.app, BUILT_IN_IMAGES.lb]);
  return r.code === 0;
}

/** Builds missing images (built-in file only), `up -d`, waits for healthy replicas and 200 from /readyz through the lb. */
export async function deployCompose(p: ComposeProject, o: DeployOptions, c: { buildImages: boolean; replicas: number; readyTimeoutMs: number; httpGet: HttpGet }): Promise<void> {
  p.runId = o.runId;
  p.appVersion = o.appVersion;
  p.desired = c.replicas;
  const docker = await dockerServerVersion(p.o.runner);
  const cli = await p.compose();
  o.onProgress(`compose: docker ${docker}, ${cli.argv.join(' ')} ${cli.version}, project ${p.name}`);

  if (c.buildImages && !(await imagesPresent(p))) {
    o.onProgress(`compose: building images with ${relative(REPO_ROOT, BUILD_SCRIPT)} (first time: a minute or two)`);
    const started = performance.now();
    const r = await p.o.runner.run(BUILD_SCRIPT, [], { timeoutMs: 30 * 60_000, signal: o.signal });
    if (r.code !== 0) {
      throw new HarnessError(`compose: building images must succeed (got exit ${r.code}: ${tail(r.stderr || r.stdout, 10)})`, {
        code: 'missingEnvironment',
        hint: BUILD_SCRIPT,
      });
    }
    o.onProgress(`compose: images built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  p.port ??= await freePort();
  o.onProgress(`compose: up -d (${c.replicas} × ${p.service}, lb on 127.0.0.1:${p.port}${p.o.baseUrl === undefined ? '' : `, reached at ${p.o.baseUrl}`})`);
  await p.run(p.upArgs(), 'up -d', { signal: o.signal });
  // any version counts here: a custom compose file need not pass APP_VERSION to the app
  await waitReady(p, { replicas: c.replicas, version: null, deadlineEpochMs: Date.now() + c.readyTimeoutMs, signal: o.signal, onProgress: o.onProgress, httpGet: c.httpGet });
}

export interface ReadyWait {
  replicas: number;
  /** the version every replica must run; null = any */
  version: string | null;
  deadlineEpochMs: number;
  signal: AbortSignal;
  onProgress: (line: string) => void;
  httpGet: HttpGet;
  /**
   * also require that no other app container runs and that, through the lb, exactly the
   * healthy replicas answer (x-served-by = their hostnames): a scale is done only then
   */
  exact?: boolean;
}

function healthLine(containers: Inspected[]): string {
  return containers
    .map((c) => {
      const log = c.State.Health?.Log?.at(-1);
      const out = log === undefined ? '' : ` last check exit ${log.ExitCode}: ${log.Output.trim().slice(0, 300)}`;
      return `${c.Name.replace(/^\//, '')} ${c.State.Status}${c.State.Health ? ` (${c.State.Health.Status})` : ''}${out}`;
    })
    .join('; ');
}

/**
 * Resolves when `replicas` app containers run `version` and are healthy and /readyz answers
 * 200 through the lb (with `exact`: and only they serve); throws HarnessError with the last
 * health output at the deadline.
 */
export async function waitReady(p: ComposeProject, w: ReadyWait): Promise<void> {
  let last = '';
  let lastHealth = '';
  const baseUrl = p.url;
  for (;;) {
    if (w.signal.aborted) throw new HarnessError('compose: waiting for replicas was interrupted', { code: 'interrupted' });
    let containers: Inspected[] = [];
    try {
      containers = await p.appContainers();
    } catch (err) {
      lastHealth = (err as Error).message;
    }
    const current = containers.filter((c) => w.version === null || envOf(c, 'APP_VERSION') === w.version);
    const running = current.filter((c) => c.State.Running);
    const healthy = running.filter((c) => (c.State.Health?.Status ?? 'healthy') === 'healthy');
    const others = containers.filter((c) => c.State.Running && !current.includes(c)).length;
    const enough = w.exact ? healthy.length === w.replicas && running.length === w.replicas : healthy.length >= w.replicas;
    let readyz = -1;
    if (enough && others === 0) readyz = (await w.httpGet(`${baseUrl}/readyz`, w.signal)).status;
    let serving = '';
    if (readyz === 200 && w.exact) {
      const seen: string[] = [];
      const names = new Set(healthy.map((c) => c.Config.Hostname ?? c.Id.slice(0, 12)));
      const ok = await servedByExactly(`${baseUrl}/readyz`, names, { deadlineMs: Math.min(w.deadlineEpochMs, Date.now() + 5000), signal: w.signal, get: w.httpGet }, seen);
      serving = ok ? '' : `, through the lb not yet exactly them (saw ${seen.join(', ') || 'none'})`;
      if (!ok) readyz = -2;
    }
    const state =
      `${healthy.length}/${w.replicas} ${p.service} healthy${w.version === null ? '' : ` on ${w.version}`}` +
      `${w.exact && running.length > w.replicas ? `, ${running.length - w.replicas} more running` : ''}` +
      `${others > 0 ? `, ${others} on another version` : ''}` +
      (readyz < 0 ? serving : `, lb /readyz ${readyz === 0 ? 'no answer' : readyz}`);
    if (state !== last) w.onProgress(`compose: ${state}`);
    last = state;
    if (readyz === 200) return;
    lastHealth = healthLine(containers) || lastHealth || 'no app containers';
    if (Date.now() >= w.deadlineEpochMs) {
      throw new HarnessError(`compose: ${w.replicas} healthy ${p.service} replicas behind the lb must answer /readyz 200 in time (got ${state}; ${lastHealth})`, {
        code: 'internal',
        hint: `docker ps -a --filter ${runIdFilter(p.runId ?? '')}; docker logs <container>`,
      });
    }
    await sleep(1000, w.signal);
  }
}
