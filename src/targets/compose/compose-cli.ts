import { HarnessError } from '../../model/index.ts';
import { tail, type CommandRunner } from '../command-runner.ts';

const SETUP_HINT = 'scripts/setup/docker.sh (installs docker.io + docker-compose and starts dockerd)';

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

/**
 * Finds `docker compose` (v2), else `docker-compose` (v1). Throws HarnessError
 * (missingEnvironment, with a hint) when neither answers.
 */
export async function detectCompose(runner: CommandRunner): Promise<ComposeCli> {
  const v2 = await runner.run('docker', ['compose', 'version', '--short'], { timeoutMs: 15_000 });
  const v2Version = v2.code === 0 ? parseVersion(v2.stdout) : null;
  if (v2Version !== null) return { flavour: 'v2', argv: ['docker', 'compose'], version: v2Version };
  const v1 = await runner.run('docker-compose', ['version', '--short'], { timeoutMs: 15_000 });
  const v1Version = v1.code === 0 ? parseVersion(v1.stdout) : null;
  if (v1Version !== null) return { flavour: 'v1', argv: ['docker-compose'], version: v1Version };
  throw new HarnessError(
    `compose: a Compose CLI must be installed (got: \`docker compose version\` exit ${v2.code}: ${tail(v2.stderr || v2.stdout, 1) || '-'}; ` +
      `\`docker-compose version\` exit ${v1.code}: ${tail(v1.stderr || v1.stdout, 1) || '-'})`,
    { code: 'missingEnvironment', hint: `install Docker Compose v2 (docker-compose-plugin) or v1, e.g. ${SETUP_HINT}` },
  );
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
