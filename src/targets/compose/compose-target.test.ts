import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { HarnessError } from '../../model/index.ts';
import type { DeployOptions } from '../target.ts';
import { ComposeTarget, DEFAULT_COMPOSE_FILE } from './compose-target.ts';
import { FakeRunner, type FakeReply } from '../../testing/fake-runner.ts';
import type { ServedBy } from '../net.ts';

const RUN = 'run1';
const PROJECT = 'capbench-run1';

function deployOpts(): DeployOptions {
  return {
    runId: RUN,
    appVersion: 'v1',
    hpa: { scaleUpStabilizationS: 0, scaleDownStabilizationS: 0 },
    onProgress: () => undefined,
    signal: new AbortController().signal,
  };
}

function inspected(id: string, version: string, health: string, running = true): object {
  return {
    Id: id,
    Name: `/${PROJECT}-api-${id}`,
    State: { Status: running ? 'running' : 'exited', Running: running, Health: { Status: health, Log: [{ ExitCode: 1, Output: 'connect ECONNREFUSED' }] } },
    Config: { Env: [`APP_VERSION=${version}`, 'PORT=8080'], Labels: {} },
  };
}

/** A docker/compose that answers like a healthy stack. */
function stack(flavour: 'v1' | 'v2', over: (file: string, args: string[]) => FakeReply = () => undefined) {
  return new FakeRunner((file, args) => {
    const o = over(file, args);
    if (o !== undefined) return o;
    const a = args.join(' ');
    if (file === 'docker' && a === 'compose version --short') return flavour === 'v2' ? { stdout: '2.27.1' } : { code: 1, stderr: 'unknown command' };
    if (file === 'docker-compose' && a === 'version --short') return { stdout: '1.29.2' };
    if (file === 'docker' && a.startsWith('version')) return { stdout: '20.10.24' };
    if (file === 'docker' && a.startsWith('ps -a -q --no-trunc')) return { stdout: 'aaa\nbbb\n' };
    if (file === 'docker' && a === 'inspect aaa bbb') return { stdout: JSON.stringify([inspected('aaa', 'v1', 'healthy'), inspected('bbb', 'v1', 'healthy')]) };
    return undefined;
  });
}

const ok200 = async (): Promise<ServedBy> => ({ status: 200, servedBy: null });

test('deploy with compose v2: `docker compose … up -d` with run id, port and version in the env', async () => {
  const runner = stack('v2');
  const t = new ComposeTarget({ runner, port: 18123, httpGet: ok200 });
  await t.deploy(deployOpts());
  const up = runner.find('docker', 'compose', '--project-name');
  assert.equal(up.length, 1);
  assert.deepEqual(up[0]?.args, ['compose', '--project-name', PROJECT, '--file', DEFAULT_COMPOSE_FILE, 'up', '-d', '--scale', 'api=2']);
  assert.deepEqual(up[0]?.env, { CAPBENCH_RUN_ID: RUN, CAPBENCH_PORT: '18123', APP_VERSION: 'v1' });
  assert.equal(t.baseUrl(), 'http://127.0.0.1:18123');
  // images present: the build script is not run
  assert.equal(runner.calls.some((c) => c.file.endsWith('build.sh')), false);
  assert.ok(runner.lines().includes('docker image inspect --format {{.Id}} capbench/app:v1 capbench/lb:2'));
  // replicas are found by the run-id label and the service label
  assert.ok(runner.lines().includes('docker ps -a -q --no-trunc --filter label=capbench.run-id=run1 --filter label=com.docker.compose.service=api'));
});

test('deploy with compose v1: `docker-compose …`; missing images are built by clusters/images/build.sh', async () => {
  const runner = stack('v1', (file, args) => (file === 'docker' && args[0] === 'image' ? { code: 1, stderr: 'No such image' } : undefined));
  const t = new ComposeTarget({ runner, port: 18124, httpGet: ok200 });
  const progress: string[] = [];
  await t.deploy({ ...deployOpts(), onProgress: (l) => progress.push(l) });
  const build = runner.calls.findIndex((c) => c.file.endsWith('clusters/images/build.sh'));
  const up = runner.calls.findIndex((c) => c.file === 'docker-compose' && c.args.includes('up'));
  assert.ok(build >= 0 && up > build, runner.lines().join('\n'));
  assert.deepEqual(runner.calls[up]?.args, ['--project-name', PROJECT, '--file', DEFAULT_COMPOSE_FILE, 'up', '-d', '--scale', 'api=2']);
  assert.ok(progress.some((l) => /2\/2 api healthy, lb \/readyz 200/.test(l)), progress.join('\n'));
});

test('deploy times out with the last health output in the error', async () => {
  const runner = stack('v2', (file, args) =>
    file === 'docker' && args[0] === 'inspect' ? { stdout: JSON.stringify([inspected('aaa', 'v1', 'starting'), inspected('bbb', 'v1', 'healthy')]) } : undefined,
  );
  const t = new ComposeTarget({ runner, port: 18125, httpGet: ok200, readyTimeoutMs: 10 });
  await assert.rejects(t.deploy(deployOpts()), (err: unknown) => {
    assert.ok(err instanceof HarnessError);
    assert.match(err.message, /1\/2 api healthy/);
    assert.match(err.message, /capbench-run1-api-aaa running \(starting\) last check exit 1: connect ECONNREFUSED/);
    return true;
  });
});

test('probe never throws: no compose CLI → not usable, with the setup hint', async () => {
  const none = new FakeRunner((file, args) => (file === 'docker' && args[0] === 'version' ? { stdout: '20.10.24' } : { code: 127, stderr: 'not found' }));
  const missing = await new ComposeTarget({ runner: none }).probe();
  assert.equal(missing.usable, false);
  assert.match(missing.reason, /Compose CLI must be installed/);
  assert.match(missing.hint ?? '', /scripts\/setup\/docker\.sh/);
  const down = new FakeRunner(() => ({ code: 1, stderr: 'Cannot connect to the Docker daemon' }));
  const u = await new ComposeTarget({ runner: down }).probe();
  assert.deepEqual([u.usable, /Docker daemon must answer/.test(u.reason)], [false, true]);
  const fine = await new ComposeTarget({ runner: stack('v1') }).probe();
  assert.equal(fine.usable, true, fine.reason);
  assert.match(fine.reason, /docker 20\.10\.24, docker-compose 1\.29\.2, 2 × api, images present/);
});

test('teardown: compose down for the project, then everything labelled with the run id; idempotent', async () => {
  const runner = stack('v2');
  const t = new ComposeTarget({ runner, port: 18126, httpGet: ok200 });
  await t.teardown({ fast: true }); // before deploy: nothing to do
  assert.equal(runner.calls.length, 0);
  await t.deploy(deployOpts());
  runner.calls.length = 0;
  await t.teardown({ fast: true });
  assert.deepEqual(runner.lines(), [
    `docker compose --project-name ${PROJECT} --file ${DEFAULT_COMPOSE_FILE} down -v --remove-orphans --timeout 0`,
    'docker ps -a -q --filter label=capbench.run-id=run1',
    'docker network ls -q --filter label=capbench.run-id=run1',
    'docker volume ls -q --filter label=capbench.run-id=run1',
  ]);
  await t.teardown({ fast: false });
  assert.ok(runner.lines().includes(`docker compose --project-name ${PROJECT} --file ${DEFAULT_COMPOSE_FILE} down -v --remove-orphans --timeout 10`));
});

test('teardown removes what compose left behind, by label, and fails when something stays', async () => {
  let removed = false;
  const runner = stack('v1', (file, args) => {
    const a = args.join(' ');
    if (file === 'docker' && a === 'ps -a -q --filter label=capbench.run-id=run1') return { stdout: removed ? '' : 'c1\nc2\n' };
    if (file === 'docker' && a === 'rm -f -v c1 c2') removed = true;
    if (file === 'docker' && a === 'network ls -q --filter label=capbench.run-id=run1') return { stdout: 'n1\n' };
    return undefined;
  });
  const t = new ComposeTarget({ runner, port: 18127, httpGet: ok200 });
  await t.deploy(deployOpts());
  await assert.rejects(t.teardown({ fast: true }), /teardown must leave nothing labelled capbench\.run-id=run1 \(got network n1/);
  assert.ok(runner.lines().includes('docker rm -f -v c1 c2'));
  assert.ok(runner.lines().includes('docker network rm n1'));
});

test('nodes capability: crash SIGKILLs every container of the run; restore is up -d; down() lists host', async () => {
  let running = 'c1\nc2\nc3\n';
  const runner = stack('v2', (file, args) => {
    const a = args.join(' ');
    if (file === 'docker' && a === 'ps -q --filter label=capbench.run-id=run1') return { stdout: running };
    if (file === 'docker' && a === 'ps -a -q --filter label=capbench.run-id=run1') return { stdout: 'c1\nc2\nc3\n' };
    if (file === 'docker' && args[0] === 'kill') running = '';
    return undefined;
  });
  const t = new ComposeTarget({ runner, port: 18128, httpGet: ok200, rebootDelayS: 7 });
  await t.deploy(deployOpts());
  const nodes = t.capabilities().nodes;
  assert.ok(nodes !== undefined);
  assert.equal(nodes.rebootDelayS, 7);
  assert.deepEqual(await nodes.down(), []);
  await nodes.crash('host');
  assert.ok(runner.lines().includes('docker kill --signal KILL c1 c2 c3'));
  assert.deepEqual(await nodes.down(), ['host']);
  const kills = runner.find('docker', 'kill').length;
  await nodes.crash('host'); // idempotent: nothing running, nothing killed
  assert.equal(runner.find('docker', 'kill').length, kills);
  runner.calls.length = 0;
  await nodes.restore('host');
  assert.deepEqual(runner.lines(), [`docker compose --project-name ${PROJECT} --file ${DEFAULT_COMPOSE_FILE} up -d --scale api=2`]);
  await assert.rejects(nodes.crash('worker-1'), /unknown node "worker-1"; valid: host/);
});

test('workloads capability: rollOut recreates api with the new APP_VERSION; waitRolledOut checks every replica', async () => {
  let version = 'v1';
  const runner = stack('v1', (file, args) =>
    file === 'docker' && args[0] === 'inspect' ? { stdout: JSON.stringify([inspected('aaa', version, 'healthy'), inspected('bbb', version, 'healthy')]) } : undefined,
  );
  const t = new ComposeTarget({ runner, port: 18129, httpGet: ok200 });
  await t.deploy(deployOpts());
  const w = t.capabilities().workloads;
  assert.ok(w !== undefined);
  await w.rollOut('v2');
  const call = runner.find('docker-compose').at(-1);
  assert.deepEqual(call?.args, ['--project-name', PROJECT, '--file', DEFAULT_COMPOSE_FILE, 'up', '-d', '--scale', 'api=2', '--no-deps', '--force-recreate', 'api']);
  assert.equal(call?.env?.['APP_VERSION'], 'v2');
  await assert.rejects(w.waitRolledOut('v2', 10, new AbortController().signal), /0\/2 api healthy on v2, 2 on another version/);
  version = 'v2';
  await w.waitRolledOut('v2', 5000, new AbortController().signal);
  // a later restore keeps the rolled-out version
  await t.capabilities().nodes?.restore('host');
  assert.equal(runner.find('docker-compose').at(-1)?.env?.['APP_VERSION'], 'v2');
});

test('leftovers: compose-made managed objects of other runs; cleanup removes them by run-id label', async () => {
  const runner = stack('v2', (file, args) => {
    const a = args.join(' ');
    if (file !== 'docker') return undefined;
    if (a.startsWith('ps -a --filter label=capbench.managed=true --filter label=com.docker.compose.project'))
      return { stdout: 'capbench-old_api_1\told\ncapbench-run1-api-1\trun1\ncapbench-live_api_1\tlive\n' };
    if (a.startsWith('network ls --filter label=capbench.managed=true')) return { stdout: 'capbench-old_default\told\n' };
    return undefined;
  });
  const t = new ComposeTarget({ runner, port: 18130, httpGet: ok200, runIsAlive: (id) => id === 'live' });
  await t.deploy(deployOpts());
  assert.deepEqual(await t.leftovers(), ['container capbench-old_api_1 (run old)', 'network capbench-old_default (run old)']);
  runner.calls.length = 0;
  assert.deepEqual(await t.cleanup(), ['container capbench-old_api_1 (run old)', 'network capbench-old_default (run old)']);
  assert.ok(runner.lines().includes('docker ps -a -q --filter label=capbench.run-id=old'));
  assert.ok(!runner.lines().some((l) => l.includes('capbench.run-id=run1')), 'the current run is never cleaned up');
  assert.ok(!runner.lines().some((l) => l.includes('capbench.run-id=live')), 'nor a run whose harness is alive');
  await assert.rejects(new ComposeTarget({ runner }).leftovers(), /leftovers and cleanup need runIsAlive/);
});

test('describe and a custom compose file: replicas and CPU come from the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capbench-compose-'));
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, 'services:\n  api:\n    image: my/app\n    scale: 3\n    deploy:\n      resources:\n        limits: { cpus: "0.5", memory: 1g }\n');
  assert.deepEqual(new ComposeTarget({ composeFile: file }).describe(), {
    composeFile: relative(fileURLToPath(new URL('../../../', import.meta.url)), file),
    lb: 'as in the compose file',
    entry: 'as in the compose file',
    rebootDelayS: 120,
    replicas: 3,
    cpusPerReplica: 0.5,
    memoryPerReplica: '1g',
  });
  const d = new ComposeTarget().describe();
  assert.equal(d['replicas'], 2);
  assert.equal(d['cpusPerReplica'], 0.25);
  assert.equal(d['lb'], 'haproxy');
  assert.match(String(d['entry']), /^L7: HAProxy/);
  assert.equal(d['composeFile'], 'clusters/compose/compose.yaml');
  writeFileSync(file, 'services:\n  web: {}\n');
  assert.match(String(new ComposeTarget({ composeFile: file }).describe()['error']), /services must be a map with service "api" \(got \["web"\]\)/);
});
