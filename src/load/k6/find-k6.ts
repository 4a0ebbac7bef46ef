/**
 * Finds the k6 binary and checks its version. Lookup order, first found wins:
 *   1. K6_BIN — an explicit path;
 *   2. PATH — the `k6` your shell runs;
 *   3. capbench's k6 cache (`scripts/setup/k6.sh` installs there): the newest version in it.
 * The first one found is used even when it is unusable (then it is an error, not a silent
 * fall-through), so which k6 ran never depends on which others happen to be broken.
 * k6 ≥ 0.57 is required: it runs the TypeScript scenarios natively. Every command runs with
 * an argument array.
 */
import { execFile } from 'node:child_process';
import { access, readdir, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { HarnessError, mustBe } from '../../model/index.ts';

export interface K6Version {
  major: number;
  minor: number;
  patch: number;
  /** the line k6 printed, e.g. `k6 v1.3.0 (go1.23.5, linux/amd64)` */
  line: string;
}

/** Where a k6 binary was found (the lookup order). */
export type K6Source = 'K6_BIN' | 'PATH' | 'cache';

export interface K6Binary {
  /** absolute path of the executable */
  path: string;
  version: K6Version;
  source: K6Source;
}

export const MIN_K6_VERSION = { major: 0, minor: 57, patch: 0 } as const;

/**
 * The k6 versions capbench's own tests run on (README "k6" table). `scripts/setup/k6.sh`
 * puts them into the cache on machines that keep them; test/nightly-workflow.test.ts checks
 * the nightly workflow pins one of them.
 */
export const TESTED_K6_VERSIONS = ['v1.3.0', 'v2.2.0'] as const;

/** What `scripts/setup/k6.sh` installs where no k6 is found (the current major). */
export const PINNED_K6_VERSION = 'v2.2.0';

const INSTALL_HINT = 'bash scripts/setup/k6.sh installs k6 (or install k6 ≥ v0.57 yourself: https://grafana.com/docs/k6/latest/set-up/install-k6/, '
  + 'and set K6_BIN=/path/to/k6 if it is not on PATH); or run with the builtin driver: --driver builtin';

/** `k6 v1.3.0 (go1.23.5, linux/amd64)` → 1.3.0; null when no k6 version is in the text. */
export function parseK6Version(text: string): K6Version | null {
  for (const line of text.split(/\r?\n/)) {
    const m = /\bk6 v(\d+)\.(\d+)\.(\d+)\S*/.exec(line);
    if (m) return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), line: line.trim() };
  }
  return null;
}

/** `v1.3.0` of a parsed version (pre-release suffixes dropped). */
export function versionTag(v: Pick<K6Version, 'major' | 'minor' | 'patch'>): string {
  return `v${v.major}.${v.minor}.${v.patch}`;
}

export function isTestedK6(v: K6Version): boolean {
  return (TESTED_K6_VERSIONS as readonly string[]).includes(versionTag(v));
}

function compare(a: Pick<K6Version, 'major' | 'minor' | 'patch'>, b: Pick<K6Version, 'major' | 'minor' | 'patch'>): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/**
 * capbench's k6 cache: CAPBENCH_K6_CACHE, else `$XDG_CACHE_HOME/capbench/k6`, else
 * `~/.cache/capbench/k6` — outside the checkout, shared by every checkout of the user.
 * scripts/setup/k6.sh computes the same path.
 */
export function k6CacheDir(env: NodeJS.ProcessEnv): string {
  const own = env['CAPBENCH_K6_CACHE'];
  if (own !== undefined && own !== '') return path.resolve(own);
  const xdg = env['XDG_CACHE_HOME'];
  const base = xdg !== undefined && xdg !== '' ? xdg : path.join(env['HOME'] !== undefined && env['HOME'] !== '' ? env['HOME'] : homedir(), '.cache');
  return path.resolve(base, 'capbench', 'k6');
}

type FileState = 'ok' | 'missing' | 'directory' | 'not-executable';

async function fileState(p: string): Promise<FileState> {
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

/** Executables `<cache>/vX.Y.Z/k6`, newest first (by the directory's version name). */
export async function cachedK6(env: NodeJS.ProcessEnv): Promise<Array<{ tag: string; path: string }>> {
  const dir = k6CacheDir(env);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const found: Array<{ v: { major: number; minor: number; patch: number }; tag: string; path: string }> = [];
  for (const n of names) {
    const m = /^v(\d+)\.(\d+)\.(\d+)$/.exec(n);
    if (!m) continue;
    const p = path.join(dir, n, 'k6');
    if ((await fileState(p)) === 'ok') found.push({ v: { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) }, tag: n, path: p });
  }
  return found.sort((a, b) => compare(b.v, a.v)).map(({ tag, path: p }) => ({ tag, path: p }));
}

async function onPath(env: NodeJS.ProcessEnv): Promise<string | null> {
  const names = process.platform === 'win32' ? ['k6.exe', 'k6'] : ['k6'];
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    for (const n of names) {
      const p = path.resolve(dir, n);
      if ((await fileState(p)) === 'ok') return p;
    }
  }
  return null;
}

/** What each lookup step found, in order (for `capbench targets` and error messages). */
export interface K6Lookup {
  /** K6_BIN as given (resolved), or null when unset */
  k6Bin: string | null;
  /** the k6 PATH resolves to, or null */
  path: string | null;
  cacheDir: string;
  /** executables in the cache, newest first */
  cache: Array<{ tag: string; path: string }>;
}

export async function lookupK6(env: NodeJS.ProcessEnv): Promise<K6Lookup> {
  const fromEnv = env['K6_BIN'];
  return {
    k6Bin: fromEnv !== undefined && fromEnv !== '' ? path.resolve(fromEnv) : null,
    path: await onPath(env),
    cacheDir: k6CacheDir(env),
    cache: await cachedK6(env),
  };
}

/** The binary the lookup order picks (not yet version-checked). */
async function pick(l: K6Lookup): Promise<{ path: string; source: K6Source }> {
  if (l.k6Bin !== null) {
    const state = await fileState(l.k6Bin);
    if (state === 'ok') return { path: l.k6Bin, source: 'K6_BIN' };
    const why = { missing: 'no such file', directory: 'a directory', 'not-executable': 'not executable' }[state];
    throw new HarnessError(`${mustBe('find-k6', 'K6_BIN', 'an executable k6 binary', l.k6Bin)}: ${why}`, {
      code: 'missingEnvironment',
      hint: state === 'not-executable' ? `chmod +x ${l.k6Bin}` : `unset K6_BIN to use the k6 on PATH or in ${l.cacheDir}; ${INSTALL_HINT}`,
    });
  }
  if (l.path !== null) return { path: l.path, source: 'PATH' };
  const newest = l.cache[0];
  if (newest !== undefined) return { path: newest.path, source: 'cache' };
  throw new HarnessError(`find-k6: k6 must be installed (got none: K6_BIN not set, no k6 on PATH, none in ${l.cacheDir})`, { code: 'missingEnvironment', hint: INSTALL_HINT });
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

/** Runs `<bin> version` and checks it is k6 ≥ v0.57. Throws HarnessError (missingEnvironment). */
export async function readK6Version(bin: string, env: NodeJS.ProcessEnv, timeoutMs = 15_000): Promise<K6Version> {
  let out: { stdout: string; stderr: string };
  try {
    out = await run(bin, ['version'], env, timeoutMs);
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
  if (compare(version, MIN_K6_VERSION) < 0) {
    const min = versionTag(MIN_K6_VERSION);
    throw new HarnessError(mustBe('find-k6', `k6 at ${bin}`, `${min} or newer (TypeScript scenarios)`, version.line), {
      code: 'missingEnvironment',
      hint: `upgrade k6 to ≥ ${min} (bash scripts/setup/k6.sh, or https://grafana.com/docs/k6/latest/set-up/install-k6/), or point K6_BIN at a newer binary; or run with --driver builtin`,
    });
  }
  return version;
}

/**
 * Locate k6 (K6_BIN, then PATH, then the cache) and read its version. Throws HarnessError
 * (missingEnvironment) when k6 is absent, not executable, unreadable or older than v0.57.
 * May block up to `timeoutMs` (the `k6 version` call).
 */
export async function findK6(opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<K6Binary> {
  const env = opts.env ?? process.env;
  const picked = await pick(await lookupK6(env));
  return { ...picked, version: await readK6Version(picked.path, env, opts.timeoutMs) };
}

const SOURCE_TEXT: Record<K6Source, string> = { K6_BIN: 'from K6_BIN', PATH: 'from PATH', cache: "from capbench's k6 cache, the newest there" };

/**
 * Lines for `capbench targets`: which k6 `--driver auto|k6` uses and why, whether capbench
 * is tested with that version, and the lookup order with what each step found.
 */
export async function describeK6(env: NodeJS.ProcessEnv): Promise<string[]> {
  const l = await lookupK6(env);
  const steps = [
    `K6_BIN ${l.k6Bin === null ? '(not set)' : `= ${l.k6Bin}`}`,
    `PATH ${l.path === null ? '(no k6)' : `(${l.path})`}`,
    `cache ${l.cacheDir} ${l.cache.length === 0 ? '(empty)' : `(${l.cache.map((c) => c.tag).join(', ')})`}`,
  ];
  const order = `  lookup order, first found wins: ${steps.join(' → ')}`;
  try {
    const k = await findK6({ env });
    const tested = isTestedK6(k.version) ? 'tested with capbench' : `supported (≥ ${versionTag(MIN_K6_VERSION)}), not one of the tested versions ${TESTED_K6_VERSIONS.join(', ')}`;
    return [`k6: ${k.version.line} at ${k.path} (${SOURCE_TEXT[k.source]}; ${tested}) — --driver auto and --driver k6 use it`, order];
  } catch (e) {
    return [`k6: not usable (${(e as Error).message.split('\n')[0]}); --driver auto uses the builtin driver`, order];
  }
}
