/**
 * The minikube preset's forwarder container for real, without minikube (which cannot run
 * here): a Docker network named like a profile, the app image standing in for the control
 * plane (a container named after the profile, answering on 30080), and the forwarder made
 * with the preset's own `docker run` arguments — but published on a free loopback port, so
 * it never collides with a kind cluster's 127.0.0.1:30080. A GET through it must reach the
 * stand-in. Everything is labelled and removed. Skipped only with CAPBENCH_SKIP_DOCKER=1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandRunner } from '../../src/targets/command-runner.ts';
import { dockerServerVersion } from '../../src/targets/compose/compose-cli.ts';
import { APP_IMAGE } from '../../src/targets/kubernetes/cluster-drivers.ts';
import { forwarderRunArgs, minikubeForwarderName } from '../../src/targets/kubernetes/minikube-driver.ts';
import { freePort } from '../../src/targets/net.ts';

const skip = process.env['CAPBENCH_SKIP_DOCKER'] === '1' ? 'CAPBENCH_SKIP_DOCKER=1' : false;
const docker = commandRunner(process.env);

test('minikube forwarder: 127.0.0.1:<port> → <profile>:30080 on the profile\'s Docker network', { skip, timeout: 180_000 }, async () => {
  await dockerServerVersion(docker);
  const profile = `cbfwd-${Date.now().toString(36)}`;
  // leftovers of an earlier, killed run of this test
  for (const kind of ['container', 'network'] as const) {
    const ls = await docker.run('docker', kind === 'container' ? ['ps', '-aq', '--filter', 'label=capbench.e2e=minikube-forwarder'] : ['network', 'ls', '-q', '--filter', 'label=capbench.e2e=minikube-forwarder'], { timeoutMs: 30_000 });
    const ids = ls.stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await docker.run('docker', kind === 'container' ? ['rm', '-f', ...ids] : ['network', 'rm', ...ids], { timeoutMs: 60_000 });
  }
  const label = ['--label', 'capbench.e2e=minikube-forwarder'];
  const must = async (args: string[]): Promise<string> => {
    const r = await docker.run('docker', args, { timeoutMs: 120_000 });
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  try {
    await must(['network', 'create', ...label, profile]);
    await must(['run', '-d', '--name', profile, ...label, '--network', profile, '-e', 'PORT=30080', APP_IMAGE]);
    // freePort's probe server is unref'd: keep the loop alive while it answers
    const keepAlive = setInterval(() => undefined, 1000);
    const port = await freePort().finally(() => clearInterval(keepAlive));
    const args = forwarderRunArgs(profile, port);
    await must([...args.slice(0, 1), ...args.slice(1, 2), '--label', 'capbench.e2e=minikube-forwarder', ...args.slice(2)]);
    const end = Date.now() + 30_000;
    let last = 'no answer';
    while (Date.now() < end) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
        await r.arrayBuffer();
        last = `HTTP ${r.status}`;
        if (r.status === 200) break;
      } catch (e) {
        last = String(e);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(last, 'HTTP 200', 'the stand-in control plane answered through the forwarder');
  } finally {
    await docker.run('docker', ['rm', '-f', minikubeForwarderName(profile), profile], { timeoutMs: 60_000 });
    await docker.run('docker', ['network', 'rm', profile], { timeoutMs: 60_000 });
  }
});
