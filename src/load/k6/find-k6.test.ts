import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, chmod, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HarnessError, ExitCode } from '../../model/index.ts';
import { cachedK6, describeK6, findK6, k6CacheDir, parseK6Version } from './find-k6.ts';
import { writeFakeK6 } from '../../testing/fake-k6.ts';

const temps: string[] = [];
after(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'capbench-find-k6-'));
  temps.push(d);
  return d;
}

test('parseK6Version: the formats k6 prints', () => {
  const cases: Array<[string, [number, number, number] | null]> = [
    ['k6 v1.3.0 (go1.23.5, linux/amd64)', [1, 3, 0]],
    ['k6 v0.57.0 (go1.24.1, linux/amd64)', [0, 57, 0]],
    ['k6 v0.45.0 (2023-06-19T08:40:39+0000/v0.45.0-0-gc3b4587b, go1.20.5, linux/amd64)', [0, 45, 0]],
    ['k6 v1.0.0-rc1 (commit/abc, go1.24.2, darwin/arm64)\nExtensions:\n  xk6-foo v0.1.0', [1, 0, 0]],
    ['command not found', null],
    ['', null],
  ];
  for (const [text, want] of cases) {
    const v = parseK6Version(text);
    assert.deepEqual(v === null ? null : [v.major, v.minor, v.patch], want, text);
  }
});

async function rejectsWith(p: Promise<unknown>, check: (e: HarnessError) => void): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof HarnessError, `HarnessError expected, got ${String(e)}`);
    check(e);
    return true;
  });
}

test('K6_BIN with a good version is found', async () => {
  const bin = await writeFakeK6(await tempDir());
  const k6 = await findK6({ env: { K6_BIN: bin, FAKE_K6_VERSION: 'k6 v1.3.0 (go1.23.5, linux/amd64)' } });
  assert.equal(k6.path, bin);
  assert.deepEqual([k6.version.major, k6.version.minor, k6.version.patch], [1, 3, 0]);
  assert.equal(k6.version.line, 'k6 v1.3.0 (go1.23.5, linux/amd64)');
  const min = await findK6({ env: { K6_BIN: bin, FAKE_K6_VERSION: 'k6 v0.57.0 (go1.24.1, linux/amd64)' } });
  assert.equal(min.version.minor, 57);
});

test('k6 older than v0.57 is refused with a hint', async () => {
  const bin = await writeFakeK6(await tempDir());
  await rejectsWith(findK6({ env: { K6_BIN: bin, FAKE_K6_VERSION: 'k6 v0.50.0 (go1.21.6, linux/amd64)' } }), (e) => {
    assert.equal(e.exitCode, ExitCode.missingEnvironment);
    assert.match(e.message, /v0\.57\.0 or newer/);
    assert.match(e.message, /k6 v0\.50\.0/);
    assert.match(e.hint ?? '', /upgrade k6/);
  });
});

test('K6_BIN that is not executable / missing / a directory: a clear error naming the path', async () => {
  const dir = await tempDir();
  const plain = path.join(dir, 'k6-not-exec');
  await writeFile(plain, '#!/bin/sh\necho k6 v1.3.0\n');
  await chmod(plain, 0o644);
  await rejectsWith(findK6({ env: { K6_BIN: plain } }), (e) => {
    assert.equal(e.exitCode, ExitCode.missingEnvironment);
    assert.ok(e.message.includes(plain), e.message);
    assert.match(e.message, /not executable/);
    assert.equal(e.hint, `chmod +x ${plain}`);
  });
  const missing = path.join(dir, 'nope');
  await rejectsWith(findK6({ env: { K6_BIN: missing } }), (e) => {
    assert.ok(e.message.includes(missing));
    assert.match(e.message, /no such file/);
  });
  await rejectsWith(findK6({ env: { K6_BIN: dir } }), (e) => assert.match(e.message, /a directory/));
});

test('executable that is not a program: error names the path', async () => {
  const dir = await tempDir();
  const bad = path.join(dir, 'k6');
  await writeFile(bad, 'this is not a program\n');
  await chmod(bad, 0o755);
  await rejectsWith(findK6({ env: { K6_BIN: bad } }), (e) => {
    assert.ok(e.message.includes(bad), e.message);
    assert.equal(e.exitCode, ExitCode.missingEnvironment);
  });
});

test('PATH lookup: found in a PATH directory; absent → missing environment with install hint', async () => {
  const withK6 = await tempDir();
  const bin = await writeFakeK6(withK6);
  const empty = await tempDir();
  await mkdir(path.join(empty, 'k6')); // a directory named k6 is not k6
  const noCache = path.join(empty, 'no-cache');
  const k6 = await findK6({ env: { PATH: [empty, withK6].join(path.delimiter), CAPBENCH_K6_CACHE: noCache } });
  assert.equal(k6.path, bin);
  assert.equal(k6.source, 'PATH');
  await rejectsWith(findK6({ env: { PATH: empty, CAPBENCH_K6_CACHE: noCache } }), (e) => {
    assert.equal(e.exitCode, ExitCode.missingEnvironment);
    assert.match(e.message, /K6_BIN not set, no k6 on PATH, none in .*no-cache/);
    assert.match(e.hint ?? '', /bash scripts\/setup\/k6\.sh/);
    assert.match(e.hint ?? '', /K6_BIN/);
  });
});

test('unreadable version output is an error, not a guess', async () => {
  const bin = await writeFakeK6(await tempDir());
  await rejectsWith(findK6({ env: { K6_BIN: bin, FAKE_K6_VERSION: 'something else' } }), (e) => {
    assert.match(e.message, /must be like "k6 v1\.3\.0/);
  });
});

/** A cache with fake k6 binaries `<cache>/<tag>/k6` printing their own version. */
async function fakeCache(tags: string[]): Promise<string> {
  const cache = await tempDir();
  for (const t of tags) {
    await mkdir(path.join(cache, t));
    await writeFakeK6(path.join(cache, t));
  }
  return cache;
}

test('k6CacheDir: CAPBENCH_K6_CACHE, else XDG_CACHE_HOME, else ~/.cache — capbench/k6 under it', () => {
  assert.equal(k6CacheDir({ CAPBENCH_K6_CACHE: '/x/k6', XDG_CACHE_HOME: '/y', HOME: '/h' }), '/x/k6');
  assert.equal(k6CacheDir({ XDG_CACHE_HOME: '/y', HOME: '/h' }), '/y/capbench/k6');
  assert.equal(k6CacheDir({ HOME: '/h' }), '/h/.cache/capbench/k6');
});

test('the cache: vX.Y.Z/k6 executables, newest first by version (not by name); other entries ignored', async () => {
  const cache = await fakeCache(['v1.3.0', 'v2.2.0', 'v1.10.0', 'latest']);
  await mkdir(path.join(cache, 'v9.0.0')); // no binary in it
  assert.deepEqual((await cachedK6({ CAPBENCH_K6_CACHE: cache })).map((c) => c.tag), ['v2.2.0', 'v1.10.0', 'v1.3.0']);
});

test('lookup order: K6_BIN, then PATH, then the newest in the cache; the first found is used', async () => {
  const cache = await fakeCache(['v1.3.0', 'v2.2.0']);
  const onPath = await tempDir();
  const pathBin = await writeFakeK6(onPath);
  const explicit = await writeFakeK6(await tempDir());
  const empty = await tempDir();
  const fromCache = await findK6({ env: { PATH: empty, CAPBENCH_K6_CACHE: cache } });
  assert.equal(fromCache.source, 'cache');
  assert.equal(fromCache.path, path.join(cache, 'v2.2.0', 'k6'));
  const fromPath = await findK6({ env: { PATH: onPath, CAPBENCH_K6_CACHE: cache } });
  assert.deepEqual([fromPath.source, fromPath.path], ['PATH', pathBin]);
  const fromEnv = await findK6({ env: { K6_BIN: explicit, PATH: onPath, CAPBENCH_K6_CACHE: cache } });
  assert.deepEqual([fromEnv.source, fromEnv.path], ['K6_BIN', explicit]);
  // a broken K6_BIN is an error, not a fall-through to PATH or the cache
  await rejectsWith(findK6({ env: { K6_BIN: path.join(empty, 'nope'), PATH: onPath, CAPBENCH_K6_CACHE: cache } }), (e) => assert.match(e.message, /K6_BIN/));
});

test('describeK6 (capbench targets): the k6 used, where from, whether tested, and every lookup step', async () => {
  const cache = await fakeCache(['v1.3.0', 'v2.2.0']);
  const onPath = await tempDir();
  const pathBin = await writeFakeK6(onPath);
  const empty = await tempDir();
  const [used, order] = await describeK6({ PATH: onPath, CAPBENCH_K6_CACHE: cache, FAKE_K6_VERSION: 'k6 v1.7.1 (go1.24.1, linux/amd64)' });
  assert.equal(used, `k6: k6 v1.7.1 (go1.24.1, linux/amd64) at ${pathBin} (from PATH; supported (≥ v0.57.0), not one of the tested versions v1.3.0, v2.2.0) — --driver auto and --driver k6 use it`);
  assert.equal(order, `  lookup order, first found wins: K6_BIN (not set) → PATH (${pathBin}) → cache ${cache} (v2.2.0, v1.3.0)`);
  const [cached] = await describeK6({ PATH: empty, CAPBENCH_K6_CACHE: cache, FAKE_K6_VERSION: 'k6 v2.2.0 (go1.26.10, linux/amd64)' });
  assert.match(cached!, /at .*v2\.2\.0\/k6 \(from capbench's k6 cache, the newest there; tested with capbench\)/);
  const [none, noneOrder] = await describeK6({ PATH: empty, CAPBENCH_K6_CACHE: path.join(empty, 'x') });
  assert.match(none!, /^k6: not usable \(find-k6: k6 must be installed .*\); --driver auto uses the builtin driver$/);
  assert.match(noneOrder!, /K6_BIN \(not set\) → PATH \(no k6\) → cache .* \(empty\)/);
});
