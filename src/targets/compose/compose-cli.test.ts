import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HarnessError } from '../../model/index.ts';
import { composeCommand, detectCompose, dockerServerVersion } from './compose-cli.ts';
import { FakeRunner } from '../../testing/fake-runner.ts';
import { projectName } from './labels.ts';

test('detectCompose prefers docker compose v2', async () => {
  const runner = new FakeRunner((file, args) => (file === 'docker' && args[0] === 'compose' ? { stdout: 'v2.27.1\n' } : undefined));
  const cli = await detectCompose(runner);
  assert.deepEqual(cli, { flavour: 'v2', argv: ['docker', 'compose'], version: '2.27.1' });
  assert.deepEqual(runner.lines(), ['docker compose version --short']);
});

test('detectCompose falls back to docker-compose v1', async () => {
  const runner = new FakeRunner((file) =>
    file === 'docker' ? { code: 1, stderr: "docker: 'compose' is not a docker command." } : { stdout: '1.29.2\n' },
  );
  const cli = await detectCompose(runner);
  assert.deepEqual(cli, { flavour: 'v1', argv: ['docker-compose'], version: '1.29.2' });
  assert.deepEqual(runner.lines(), ['docker compose version --short', 'docker-compose version --short']);
});

test('detectCompose reads the Debian-revisioned version of sid\'s plugin', async () => {
  const runner = new FakeRunner((file) => (file === 'docker' ? { stdout: '2.40.3-3\n' } : undefined));
  assert.deepEqual(await detectCompose(runner), { flavour: 'v2', argv: ['docker', 'compose'], version: '2.40.3-3' });
});

test('detectCompose v1: asks only docker-compose, even when v2 is installed', async () => {
  const runner = new FakeRunner((file) => (file === 'docker' ? { stdout: '2.40.3-3\n' } : { stdout: '1.29.2\n' }));
  assert.deepEqual(await detectCompose(runner, 'v1'), { flavour: 'v1', argv: ['docker-compose'], version: '1.29.2' });
  assert.deepEqual(runner.lines(), ['docker-compose version --short']);
});

test('detectCompose v2: asks only docker compose; missing plugin is missingEnvironment with the setup hint', async () => {
  const ok = new FakeRunner((file) => (file === 'docker' ? { stdout: 'v2.27.1\n' } : { stdout: '1.29.2\n' }));
  assert.equal((await detectCompose(ok, 'v2')).flavour, 'v2');
  assert.deepEqual(ok.lines(), ['docker compose version --short']);
  // the docker CLI without the plugin: exit 1, "unknown command"
  const missing = new FakeRunner((file) => (file === 'docker' ? { code: 1, stderr: 'docker: unknown command: docker compose\n' } : { stdout: '1.29.2\n' }));
  await assert.rejects(detectCompose(missing, 'v2'), (err: unknown) => {
    assert.ok(err instanceof HarnessError);
    assert.equal(err.exitCode, 4);
    assert.match(err.message, /Compose v2 \(`docker compose`\) must be installed \(got `docker compose version` exit 1: docker: unknown command: docker compose\)/);
    assert.match(err.hint ?? '', /scripts\/setup\/sid-tools\.sh/);
    return true;
  });
  assert.deepEqual(missing.lines(), ['docker compose version --short'], 'no fallback to v1 when v2 is asked for');
});

test('detectCompose v1 missing is missingEnvironment naming docker-compose', async () => {
  const runner = new FakeRunner((file) => (file === 'docker' ? { stdout: '2.40.3-3\n' } : { code: 127, stderr: 'spawn docker-compose ENOENT' }));
  await assert.rejects(detectCompose(runner, 'v1'), /Compose v1 \(`docker-compose`\) must be installed \(got `docker-compose version` exit 127/);
});

test('detectCompose: neither found is a missingEnvironment HarnessError with a hint', async () => {
  const runner = new FakeRunner(() => ({ code: 127, stderr: 'not found' }));
  await assert.rejects(detectCompose(runner), (err: unknown) => {
    assert.ok(err instanceof HarnessError);
    assert.equal(err.exitCode, 4);
    assert.match(err.message, /a Compose CLI must be installed/);
    assert.match(err.hint ?? '', /scripts\/setup\/docker\.sh/);
    return true;
  });
});

test('dockerServerVersion: a daemon that does not answer is missingEnvironment', async () => {
  const runner = new FakeRunner(() => ({ code: 1, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.' }));
  await assert.rejects(dockerServerVersion(runner), (err: unknown) => {
    assert.ok(err instanceof HarnessError);
    assert.equal(err.exitCode, 4);
    assert.match(err.message, /Docker daemon must answer .*Cannot connect/);
    return true;
  });
  const ok = new FakeRunner(() => ({ stdout: '20.10.24+dfsg1\n' }));
  assert.equal(await dockerServerVersion(ok), '20.10.24+dfsg1');
  assert.deepEqual(ok.lines(), ['docker version --format {{.Server.Version}}']);
});

test('composeCommand builds the argument array for v1 and v2', () => {
  assert.deepEqual(composeCommand({ flavour: 'v2', argv: ['docker', 'compose'], version: '2' }, 'capbench-x', '/c.yaml', ['up', '-d']), {
    file: 'docker',
    args: ['compose', '--project-name', 'capbench-x', '--file', '/c.yaml', 'up', '-d'],
  });
  assert.deepEqual(composeCommand({ flavour: 'v1', argv: ['docker-compose'], version: '1' }, 'capbench-x', '/c.yaml', ['down']), {
    file: 'docker-compose',
    args: ['--project-name', 'capbench-x', '--file', '/c.yaml', 'down'],
  });
});

test('projectName is capbench-<short run id>, compose-safe and unique', () => {
  const table: Array<[string, RegExp]> = [
    ['abc123', /^capbench-abc123$/],
    ['Run_2024.01.02', /^capbench-run_2024-01-02$/],
    ['20250101-120000-node-crash-3f9a', /^capbench-[a-z0-9-]{1,16}-[0-9a-f]{8}$/],
    ['///', /^capbench-[0-9a-f]{8}$/],
  ];
  for (const [id, re] of table) assert.match(projectName(id), re, id);
  assert.notEqual(projectName('20250101-120000-node-crash-aaaa'), projectName('20250101-120000-node-crash-aaab'));
});
