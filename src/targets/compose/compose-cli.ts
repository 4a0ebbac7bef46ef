import { HarnessError } from '../../model/index.ts';
import { tail, type CommandResult, type CommandRunner } from '../command-runner.ts';

const SETUP_HINT = 'scripts/setup/docker.sh (installs docker.io + docker-compose and starts dockerd)';
const V2_HINT = 'bash scripts/setup/sid-tools.sh (installs Compose v2 as the Docker CLI plugin ~/.docker/cli-plugins/docker-compose)';
const V1_HINT = 'apt-get install docker-compose (Compose v1, `docker-compose`)';

/** Which Compose CLI to use: `auto` = v2 when `docker compose` answers, else v1. */
export type ComposePreference = 'auto' | 'v1' | 'v2';
export const composePreferences: readonly ComposePreference[] = ['auto', 'v1', 'v2'];

/** The Compose CLI found on this machine. */
export interface ComposeCli {
  /** `v2` = the `docker compose` plugin, `v1` = the standalone `docker-compose` */
  flavour: 'v2' | 'v1';
  /** program and leading arguments: ['docker', 'compose'] or ['docker-compose'] */
  argv: readonly [string, ...string[]];
  /** e.g. 2.27.0 or 1.29.2 */
  version: string;
}

function parseVersion(out: string): string | null {
  const m = /v?(\d+\.\d+\.\d+[^\s,]*)/.exec(out);
  return m?.[1] ?? null;
}

function gotText(what: string, r: CommandResult): string {
  return `\`${what} version\` exit ${r.code}: ${tail(r.stderr || r.stdout, 1) || '-'}`;
}

/**
 * Finds the Compose CLI: with `auto` (default) `docker compose` (v2), else `docker-compose`
 * (v1); with `v1`/`v2` only that one. Called once per target before the first compose
 * command; runs `version` commands only. Throws HarnessError (missingEnvironment, with a
 * hint) when the wanted CLI does not answer.
 */
export async function detectCompose(runner: CommandRunner, want: ComposePreference = 'auto'): Promise<ComposeCli> {
  let v2: CommandResult | undefined;
  if (want !== 'v1') {
    v2 = await runner.run('docker', ['compose', 'version', '--short'], { timeoutMs: 15_000 });
    const v2Version = v2.code === 0 ? parseVersion(v2.stdout) : null;
    if (v2Version !== null) return { flavour: 'v2', argv: ['docker', 'compose'], version: v2Version };
    if (want === 'v2') {
      throw new HarnessError(`compose: Compose v2 (\`docker compose\`) must be installed (got ${gotText('docker compose', v2)})`, { code: 'missingEnvironment', hint: V2_HINT });
    }
  }
  const v1 = await runner.run('docker-compose', ['version', '--short'], { timeoutMs: 15_000 });
  const v1Version = v1.code === 0 ? parseVersion(v1.stdout) : null;
  if (v1Version !== null) return { flavour: 'v1', argv: ['docker-compose'], version: v1Version };
  if (want === 'v1') {
    throw new HarnessError(`compose: Compose v1 (\`docker-compose\`) must be installed (got ${gotText('docker-compose', v1)})`, { code: 'missingEnvironment', hint: V1_HINT });
  }
  throw new HarnessError(`compose: a Compose CLI must be installed (got: ${gotText('docker compose', v2!)}; ${gotText('docker-compose', v1)})`, {
    code: 'missingEnvironment',
    hint: `install Docker Compose v2 (${V2_HINT}) or v1 (${SETUP_HINT})`,
  });
}

/**
 * Asks the Docker daemon for its version. Throws HarnessError (missingEnvironment) when
 * the CLI is missing or the daemon does not answer.
 */
export async function dockerServerVersion(runner: CommandRunner): Promise<string> {
  const r = await runner.run('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 15_000 });
  const version = r.stdout.trim();
  if (r.code === 0 && version !== '') return version;
  const why = r.code === 127 ? 'docker CLI not found' : tail(r.stderr || r.stdout, 2) || `exit ${r.code}`;
  throw new HarnessError(`compose: the Docker daemon must answer (got: ${why})`, {
    code: 'missingEnvironment',
    hint: r.code === 127 ? SETUP_HINT : `start dockerd (e.g. ${SETUP_HINT}) and check: docker info`,
  });
}

/** Full argument array for a compose subcommand of one project: `[program, args]`. */
export function composeCommand(
  cli: ComposeCli,
  project: string,
  composeFile: string,
  sub: readonly string[],
): { file: string; args: string[] } {
  const [file, ...lead] = cli.argv;
  return { file, args: [...lead, '--project-name', project, '--file', composeFile, ...sub] };
}
