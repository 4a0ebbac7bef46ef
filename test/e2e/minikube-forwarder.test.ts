/**
 * The minikube preset's forwarder container for real, without minikube (which cannot run
 * here): a Docker network named like a profile, the app image standing in for the control
 * plane (a container named after the profile, answering on 30080), and the forwarder made
 * with the preset's own `docker run` arguments — but published on a free loopback port, so
 * it never collides with a kind cluster's 127.0.0.1:30080. A GET through it must reach the
 * stand-in. Everything is labelled and removed. Skipped only with CAPBENCH_SKIP_DOCKER=1.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { APP_IMAGE } from '../../src/targets/kubernetes/cluster-drivers.ts';
import { forwarderRunArgs, minikubeForwarderName } from '../../src/targets/kubernetes/minikube-driver.ts';
import { freePort } from '../../src/targets/net.ts';

const skip = process.env['CAPBENCH_SKIP_DOCKER'] === '1' ? 'CAPBENCH_SKIP_DOCKER=1' : false;
const LABEL = 'capbench.e2e=minikube-forwarder';

function docker(args: string[]): { code: number | null; out: string } {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function must(args: string[]): string {
  const r = docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.out}`);
  return r.out;
}

/** leftovers of an earlier, killed run of this test, by label */
function removeLeftovers(): void {
  const ids = (a: string[]): string[] => docker(a).out.split('\n').map((l) => l.trim()).filter(Boolean);
  const containers = ids(['ps', '-aq', '--filter', `label=${LABEL}`]);
  if (containers.length > 0) docker(['rm', '-f', ...containers]);
  const networks = ids(['network', 'ls', '-q', '--filter', `label=${LABEL}`]);
  if (networks.length > 0) docker(['network', 'rm', ...networks]);
}

test('minikube forwarder: 127.0.0.1:<port> → <profile>:30080 on the profile\'s Docker network', { skip, timeout: 180_000 }, async () => {
  must(['version', '--format', '{{.Server.Version}}']); // fails (loudly) when Docker is absent
  removeLeftovers();
  const profile = `cbfwd-${Date.now().toString(36)}`;
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    must(['network', 'create', '--label', LABEL, profile]);
    must(['run', '-d', '--name', profile, '--label', LABEL, '--network', profile, '-e', 'PORT=30080', APP_IMAGE]);
    const port = await freePort();
    const args = forwarderRunArgs(profile, port);
    must([args[0]!, args[1]!, '--label', LABEL, ...args.slice(2)]);
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
    assert.equal(last, 'HTTP 200', `the stand-in control plane answered through the forwarder (${docker(['logs', minikubeForwarderName(profile)]).out.slice(-500)})`);
  } finally {
    clearInterval(keepAlive);
    docker(['rm', '-f', minikubeForwarderName(profile), profile]);
    docker(['network', 'rm', profile]);
  }
});
