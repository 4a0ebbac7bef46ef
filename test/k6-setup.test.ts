/**
 * scripts/setup/k6.sh, run as a copy in a scratch checkout (so whether `../shared` exists is
 * the test's choice) with a PATH made of the tools it needs and nothing else:
 *  - no k6 anywhere and no network → it tries to install k6 the way k6's docs say (apt
 *    repository as root with apt-get, else the release archive), fails with a clear
 *    message and exit 4, and leaves nothing behind. "No network" is made certain by proxies
 *    on a closed loopback port, so this test cannot install anything on a machine that has
 *    internet access;
 *  - an existing k6 (K6_BIN, PATH) is used, nothing installed;
 *  - `../shared/tools/k6` present → its install.sh fills the cache;
 *  - CAPBENCH_SKIP_K6=1 skips everything.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeFakeK6 } from '../src/testing/fake-k6.ts';
import { tempDir } from './cli-harness.ts';

const SCRIPT = fileURLToPath(new URL('../scripts/setup/k6.sh', import.meta.url));
const TOOLS = ['bash', 'curl', 'uname', 'id', 'mktemp', 'rm', 'tail', 'awk', 'cut', 'mkdir', 'tar', 'install', 'sha256sum', 'dirname', 'head', 'cat', 'grep', 'gpg', 'unzip', 'ln', 'apt-get'];
const CLOSED = 'http://127.0.0.1:9';
const isRoot = process.getuid?.() === 0;

interface Scratch { root: string; script: string; bin: string; cache: string }

/** `<root>/repo/scripts/setup/k6.sh` and a bin dir of symlinks to the tools (apt-get only when asked). */
function scratch(o: { aptGet: boolean }): Scratch {
  const root = tempDir('capbench-k6-setup-');
  const dir = join(root, 'repo', 'scripts', 'setup');
  mkdirSync(dir, { recursive: true });
  const script = join(dir, 'k6.sh');
  copyFileSync(SCRIPT, script);
  const bin = join(root, 'bin');
  mkdirSync(bin);
  for (const t of TOOLS) {
    if (t === 'apt-get' && !o.aptGet) continue;
    const found = spawnSync('bash', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();
    if (found !== '') symlinkSync(found, join(bin, t));
  }
  return { root, script, bin, cache: join(root, 'cache') };
}

function runScript(s: Scratch, env: Record<string, string> = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(join(s.bin, 'bash'), [s.script], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: s.bin,
      HOME: s.root,
      CAPBENCH_K6_CACHE: s.cache,
      https_proxy: CLOSED, HTTPS_PROXY: CLOSED, http_proxy: CLOSED, HTTP_PROXY: CLOSED, ALL_PROXY: CLOSED, all_proxy: CLOSED,
      ...env,
    },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function assertHelpfulFailure(r: { code: number | null; err: string }, url: RegExp): void {
  assert.equal(r.code, 4, r.err);
  assert.match(r.err, /\[setup:k6\] ERROR: could not download /);
  assert.match(r.err, url);
  assert.match(r.err, /got: curl: \(\d+\)/, 'says what went wrong');
  assert.match(r.err, /hint: install k6 yourself \(https:\/\/grafana\.com\/docs\/k6\/latest\/set-up\/install-k6\/\) and put it on PATH or set K6_BIN/);
  assert.match(r.err, /CAPBENCH_SKIP_K6=1 skips the k6 tests, and capbench runs with --driver builtin/);
}

describe('scripts/setup/k6.sh', () => {
  it('no k6, no ../shared, no network, with apt-get: k6\'s apt repository as root (else the archive) fails clearly (exit 4), nothing left behind', () => {
    const s = scratch({ aptGet: true });
    const aptListBefore = existsSync('/etc/apt/sources.list.d/k6.list');
    const r = runScript(s);
    if (isRoot) {
      assert.match(r.out, /installing k6 v2\.2\.0 from k6's apt repository \(dl\.k6\.io\)/);
      assertHelpfulFailure(r, /https:\/\/dl\.k6\.io\/key\.gpg/);
      assert.equal(existsSync('/etc/apt/sources.list.d/k6.list'), aptListBefore, 'no apt source added');
    } else {
      assertHelpfulFailure(r, /github\.com\/grafana\/k6\/releases\/download\/v2\.2\.0\//);
    }
    assert.ok(!existsSync(s.cache) || readdirSync(s.cache).length === 0, 'nothing in the cache');
  });

  it('no k6, no ../shared, no network, no apt-get: the release archive fails clearly (exit 4), nothing left behind', () => {
    const s = scratch({ aptGet: false });
    const r = runScript(s);
    assert.match(r.out, /installing k6 v2\.2\.0 from its release archive \(https:\/\/github\.com\/grafana\/k6\/releases\/download\/v2\.2\.0\/k6-v2\.2\.0-linux-/);
    assertHelpfulFailure(r, /https:\/\/github\.com\/grafana\/k6\/releases\/download\/v2\.2\.0\/k6-v2\.2\.0-checksums\.txt/);
    assert.ok(!existsSync(s.cache) || readdirSync(s.cache).length === 0, 'nothing in the cache');
  });

  it('an existing k6 is used and nothing installed: K6_BIN, then PATH; a broken K6_BIN fails', async () => {
    const s = scratch({ aptGet: true });
    const k6 = await writeFakeK6(tempDir('capbench-k6-setup-bin-'));
    const viaEnv = runScript(s, { K6_BIN: k6 });
    assert.equal(viaEnv.code, 0, viaEnv.err);
    assert.match(viaEnv.out, new RegExp(`using K6_BIN=${k6}: k6 v1\\.3\\.0`));
    symlinkSync(k6, join(s.bin, 'k6'));
    const viaPath = runScript(s);
    assert.equal(viaPath.code, 0, viaPath.err);
    assert.match(viaPath.out, /using k6 on PATH: .*\/bin\/k6: k6 v1\.3\.0/);
    const broken = runScript(s, { K6_BIN: join(s.root, 'nope') });
    assert.equal(broken.code, 4);
    assert.match(broken.err, /K6_BIN=.*nope must run `k6 version`/);
    assert.ok(!existsSync(s.cache));
  });

  it('../shared/tools/k6 present: its install.sh fills the cache, and each binary is named with its version', async () => {
    const s = scratch({ aptGet: true });
    const tools = join(s.root, 'shared', 'tools', 'k6');
    mkdirSync(tools, { recursive: true });
    const k6 = await writeFakeK6(tempDir('capbench-k6-setup-bin-'));
    // a stand-in install.sh with the real one's contract: `install.sh DIR` → "<version> <path>" lines
    writeFileSync(join(tools, 'install.sh'), `mkdir -p "$1/v1.3.0" && ln -sf ${k6} "$1/v1.3.0/k6" && echo "v1.3.0 $1/v1.3.0/k6"\n`);
    chmodSync(join(tools, 'install.sh'), 0o755);
    const r = runScript(s);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`real k6 builds found in ${tools}: unpacking and verifying them into ${s.cache}`));
    assert.match(r.out, /v1\.3\.0: .*\/cache\/v1\.3\.0\/k6 \(k6 v1\.3\.0/);
    writeFileSync(join(tools, 'install.sh'), 'echo "sha256 mismatch" >&2; exit 1\n');
    const bad = runScript(s);
    assert.equal(bad.code, 4);
    assert.match(bad.err, /install\.sh .* must succeed/);
  });

  it('CAPBENCH_SKIP_K6=1 skips it', () => {
    const s = scratch({ aptGet: true });
    const r = runScript(s, { CAPBENCH_SKIP_K6: '1' });
    assert.equal(r.code, 0);
    assert.match(r.out, /CAPBENCH_SKIP_K6=1: k6 not set up/);
    assert.ok(!existsSync(s.cache));
  });
});
