import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, hostname, release, totalmem, type } from 'node:os';
import { promisify } from 'node:util';

const pexec = promisify(execFile);

export function machineInfo(): { cores: number; memoryMB: number; cpuModel: string; os: string; hostname: string } {
  const c = cpus();
  return { cores: c.length, memoryMB: Math.round(totalmem() / 2 ** 20), cpuModel: c[0]?.model ?? 'unknown', os: `${type()} ${release()}`, hostname: hostname() };
}

export function harnessVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

let versions: Promise<Record<string, string>> | undefined;

/** harness version plus the git commit when run from a checkout (asked once per process) */
export function harnessVersions(): Promise<Record<string, string>> {
  versions ??= readHarnessVersions();
  return versions.then((v) => ({ ...v }));
}

async function readHarnessVersions(): Promise<Record<string, string>> {
  const out: Record<string, string> = { capbench: harnessVersion(), node: process.version };
  try {
    const { stdout } = await pexec('git', ['rev-parse', '--short', 'HEAD'], { cwd: new URL('../..', import.meta.url).pathname, timeout: 3000 });
    out['capbench-commit'] = stdout.trim();
  } catch {
    // not a git checkout: the package version is all there is
  }
  return out;
}
