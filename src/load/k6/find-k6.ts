/**
 * Finds the k6 binary (K6_BIN, then PATH) and checks its version. k6 ≥ 0.57 is required:
 * it runs the TypeScript scenarios natively. Every command runs with an argument array.
 */
import { execFile } from 'node:child_process';
import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { HarnessError, mustBe } from '../../model/index.ts';

export interface K6Version {
  major: number;
  minor: number;
  patch: number;
  /** the line k6 printed, e.g. `k6 v1.3.0 (go1.23.5, linux/amd64)` */
  line: string;
}

export interface K6Binary {
  /** absolute path of the executable */
  path: string;
  version: K6Version;
}

export const MIN_K6_VERSION = { major: 0, minor: 57, patch: 0 } as const;

const INSTALL_HINT = 'install k6 ≥ v0.57 (https://grafana.com/docs/k6/latest/set-up/install-k6/) or set K6_BIN=/path/to/k6; '
  + 'or run with the builtin driver: --driver builtin';

/** `k6 v1.3.0 (go1.23.5, linux/amd64)` → 1.3.0; null when no k6 version is in the text. */
export function parseK6Version(text: string): K6Version | null {
  for (const line of text.split(/\r?\n/)) {
    const m = /\bk6 v(\d+)\.(\d+)\.(\d+)\S*/.exec(line);
    if (m) return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), line: line.trim() };
  }
  return null;
}

function atLeast(v: K6Version, min: typeof MIN_K6_VERSION): boolean {
  if (v.major !== min.major) return v.major > min.major;
  if (v.minor !== min.minor) return v.minor > min.minor;
  return v.patch >= min.patch;
}

async function isExecutableFile(p: string): Promise<'ok' | 'missing' | 'directory' | 'not-executable'> {
  try {
    const s = await stat(p);
    if (s.isDirectory()) return 'directory';
  } catch {
    return 'missing';
  }
  try {
    await access(p, constants.X_OK);
    return 'ok';
  } catch {
    return 'not-executable';
  }
}

async function locate(env: NodeJS.ProcessEnv): Promise<string> {
  const fromEnv = env['K6_BIN'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const p = path.resolve(fromEnv);
    const state = await isExecutableFile(p);
    if (state === 'ok') return p;
    const why = { missing: 'no such file', directory: 'a directory', 'not-executable': 'not executable' }[state];
    throw new HarnessError(`${mustBe('find-k6', 'K6_BIN', 'an executable k6 binary', p)}: ${why}`, {
      code: 'missingEnvironment',
      hint: state === 'not-executable' ? `chmod +x ${p}` : INSTALL_HINT,
    });
  }
  const names = process.platform === 'win32' ? ['k6.exe', 'k6'] : ['k6'];
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    for (const n of names) {
      const p = path.resolve(dir, n);
      if ((await isExecutableFile(p)) === 'ok') return p;
    }
  }
  throw new HarnessError('find-k6: k6 must be installed (not found on PATH, K6_BIN not set)', { code: 'missingEnvironment', hint: INSTALL_HINT });
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

/**
 * Locate k6 and read its version. Throws HarnessError (missingEnvironment) when k6 is
 * absent, not executable, unreadable or older than v0.57. May block up to `timeoutMs`.
 */
export async function findK6(opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<K6Binary> {
  const env = opts.env ?? process.env;
  const bin = await locate(env);
  let out: { stdout: string; stderr: string };
  try {
    out = await run(bin, ['version'], env, opts.timeoutMs ?? 15_000);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string; killed?: boolean };
    const detail = e.killed ? 'timed out' : (e.stderr ?? '').trim().split('\n').slice(-3).join(' | ') || e.message;
    throw new HarnessError(`find-k6: \`${bin} version\` must succeed (got ${detail})`, { code: 'missingEnvironment', hint: INSTALL_HINT, cause: err });
  }
  const version = parseK6Version(`${out.stdout}\n${out.stderr}`);
  if (version === null) {
    throw new HarnessError(mustBe('find-k6', `output of \`${bin} version\``, 'like "k6 v1.3.0 (…)"', out.stdout.trim().slice(0, 200)), {
      code: 'missingEnvironment',
      hint: INSTALL_HINT,
    });
  }
  if (!atLeast(version, MIN_K6_VERSION)) {
    const min = `v${MIN_K6_VERSION.major}.${MIN_K6_VERSION.minor}.${MIN_K6_VERSION.patch}`;
    throw new HarnessError(mustBe('find-k6', `k6 at ${bin}`, `${min} or newer (TypeScript scenarios)`, version.line), {
      code: 'missingEnvironment',
      hint: `upgrade k6 to ≥ ${min} (https://grafana.com/docs/k6/latest/set-up/install-k6/), or point K6_BIN at a newer binary; or run with --driver builtin`,
    });
  }
  return { path: bin, version };
}
