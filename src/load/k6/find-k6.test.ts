import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, chmod, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HarnessError, ExitCode } from '../../model/index.ts';
import { findK6, parseK6Version } from './find-k6.ts';
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
  const k6 = await findK6({ env: { PATH: [empty, withK6].join(path.delimiter) } });
  assert.equal(k6.path, bin);
  await rejectsWith(findK6({ env: { PATH: empty } }), (e) => {
    assert.equal(e.exitCode, ExitCode.missingEnvironment);
    assert.match(e.message, /not found on PATH/);
    assert.match(e.hint ?? '', /K6_BIN/);
  });
});

test('unreadable version output is an error, not a guess', async () => {
  const bin = await writeFakeK6(await tempDir());
  await rejectsWith(findK6({ env: { K6_BIN: bin, FAKE_K6_VERSION: 'something else' } }), (e) => {
    assert.match(e.message, /must be like "k6 v1\.3\.0/);
  });
});
