import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { HarnessError } from '../../model/index.ts';
import { FakeRunner } from '../../testing/fake-runner.ts';
import { clusterDown, clusterUp } from './cluster.ts';
import {
  IMAGES_BUILD,
  KIND_CONFIG,
  KIND_DIR,
  KIND_METRICS_SERVER,
  KindDriver,
  LOCAL_K8S_DIR,
  LOCAL_K8S_STATE,
  LocalK8sDriver,
  driverForContext,
  isDebianNodeImage,
  parseLocalK8sNodeStatus,
  presetDriver,
  type Applier,
} from './cluster-drivers.ts';
import type { KubeObject } from './manifests.ts';

const quiet = (): void => undefined;

function recordingApplier(): Applier & { calls: Array<{ context: string; kinds: string[] }> } {
  const calls: Array<{ context: string; kinds: string[] }> = [];
  const f = (async (context: string, _kc: string | undefined, objs: KubeObject[]) => {
    calls.push({ context, kinds: objs.map((o) => o.kind) });
  }) as Applier & { calls: typeof calls };
  f.calls = calls;
  return f;
}

describe('kind preset', () => {
  it('cluster up: a new cluster is made by clusters/kind/up.sh on the Debian node image', async () => {
    const runner = new FakeRunner((file, args) => (file === 'kind' && args[0] === 'get' ? { stdout: 'other\n' } : undefined));
    const apply = recordingApplier();
    await clusterUp('kind', quiet, { runner, apply });
    assert.deepEqual(runner.calls.map((c) => [c.file, ...c.args]), [
      ['kind', 'get', 'clusters'],
      ['bash', `${KIND_DIR}up.sh`],
      ['kind', 'get', 'clusters'],
    ]);
    assert.equal(apply.calls.length, 0, 'up.sh runs the metrics adapter itself');
  });

  it('cluster up on an existing Debian-image cluster runs up.sh again (idempotent: it completes what is missing)', async () => {
    const runner = new FakeRunner((file, args) => {
      if (file === 'kind' && args[0] === 'get') return { stdout: 'capbench\n' };
      if (file === 'docker' && args[0] === 'inspect') return { stdout: 'capbench.local/kind-node:v1.20.2\n' };
      return undefined;
    });
    await clusterUp('kind', quiet, { runner, apply: recordingApplier() });
    assert.equal(runner.find('bash').length, 1);
    assert.deepEqual(runner.find('docker', 'inspect')[0]!.args, ['inspect', '--format', '{{.Config.Image}}', 'capbench-control-plane']);
  });

  it('cluster up on a cluster made with kind\'s own images: applies metrics-server, builds and loads the app image', async () => {
    const runner = new FakeRunner((file, args) => {
      if (file === 'kind' && args[0] === 'get') return { stdout: 'capbench\n' };
      if (file === 'docker' && args[0] === 'inspect') return { stdout: 'kindest/node:v1.35.0@sha256:abc\n' };
      return undefined;
    });
    const apply = recordingApplier();
    await clusterUp('kind', quiet, { runner, apply });
    assert.deepEqual(runner.calls.map((c) => [c.file, ...c.args]).filter((c) => c[0] !== 'docker'), [
      ['kind', 'get', 'clusters'],
      ['bash', IMAGES_BUILD],
      ['bash', `${KIND_DIR}kind.sh`, 'load', 'docker-image', 'capbench/app:v1', '--name', 'capbench'],
      ['kind', 'get', 'clusters'],
    ]);
    assert.equal(runner.find('kind', 'create').length, 0);
    assert.equal(apply.calls.length, 1);
    assert.equal(apply.calls[0]!.context, 'kind-capbench');
    assert.ok(apply.calls[0]!.kinds.includes('Deployment') && apply.calls[0]!.kinds.includes('APIService'));
  });

  it('isDebianNodeImage tells the node images of build-node-image.sh from kind\'s own', () => {
    assert.equal(isDebianNodeImage('capbench.local/kind-node:v1.20.2'), true);
    assert.equal(isDebianNodeImage('kindest/node:v1.37.0'), false);
    assert.equal(isDebianNodeImage('capbench.local/kind-nodeX:v1'), false);
  });

  it('cluster up without kind installed says so', async () => {
    const runner = new FakeRunner(() => ({ code: 127, stderr: 'kind: not found' }));
    await assert.rejects(clusterUp('kind', quiet, { runner, apply: recordingApplier() }), (e: HarnessError) => e.exitCode === 4 && /kind must be installed/.test(e.message) && /sid-tools\.sh/.test(e.hint ?? ''));
  });

  it('cluster down runs clusters/kind/down.sh', async () => {
    const runner = new FakeRunner();
    await clusterDown('kind', quiet, { runner });
    assert.deepEqual(runner.calls.map((c) => [c.file, ...c.args]), [['bash', `${KIND_DIR}down.sh`]]);
  });

  it('crash = docker kill, restore = docker start, down = containers not running', async () => {
    const runner = new FakeRunner((file, args) =>
      file === 'docker' && args[0] === 'ps' ? { stdout: 'capbench-control-plane\trunning\ncapbench-worker\texited\ncapbench-worker2\trunning\n' } : undefined,
    );
    const d = new KindDriver(runner, recordingApplier());
    await d.crash('capbench-worker');
    await d.restore('capbench-worker');
    assert.deepEqual(await d.machinesDown(), ['capbench-worker']);
    assert.deepEqual(runner.calls.map((c) => [c.file, ...c.args]), [
      ['docker', 'kill', 'capbench-worker'],
      ['docker', 'start', 'capbench-worker'],
      ['docker', 'ps', '-a', '--filter', 'label=io.x-k8s.kind.cluster=capbench', '--format', '{{.Names}}\t{{.State}}'],
    ]);
    assert.equal(d.context, 'kind-capbench');
    assert.equal(d.imagePullPolicy, 'Never');
    assert.equal(d.nodePort, 30080);
  });

  it('status: missing kind, missing cluster, present', async () => {
    assert.match((await new KindDriver(new FakeRunner(() => ({ code: 127 })), recordingApplier()).status()).reason, /not installed/);
    assert.equal((await new KindDriver(new FakeRunner(() => ({ stdout: 'x\n' })), recordingApplier()).status()).up, false);
    assert.equal((await new KindDriver(new FakeRunner(() => ({ stdout: 'capbench\n' })), recordingApplier()).status()).up, true);
  });

  it('clusters/kind/cluster.yaml: 1 control plane + 2 workers, NodePort 30080 on 127.0.0.1 from the control plane', () => {
    const cfg = parse(readFileSync(KIND_CONFIG, 'utf8')) as { kind: string; nodes: Array<{ role: string; extraPortMappings?: unknown[] }> };
    assert.equal(cfg.kind, 'Cluster');
    assert.deepEqual(cfg.nodes.map((n) => n.role), ['control-plane', 'worker', 'worker']);
    assert.deepEqual(cfg.nodes[0]!.extraPortMappings, [{ containerPort: 30080, hostPort: 30080, listenAddress: '127.0.0.1', protocol: 'TCP' }]);
    assert.ok(cfg.nodes.slice(1).every((n) => n.extraPortMappings === undefined));
  });

  it('clusters/kind/offline.yaml: the topology of cluster.yaml, no default CNI, control-plane images from capbench.local', () => {
    const offline = parse(readFileSync(`${KIND_DIR}offline.yaml`, 'utf8')) as {
      name: string;
      networking: { disableDefaultCNI: boolean };
      kubeadmConfigPatches: string[];
      nodes: unknown[];
    };
    const upstream = parse(readFileSync(KIND_CONFIG, 'utf8')) as { name: string; nodes: unknown[] };
    assert.deepEqual(offline.nodes, upstream.nodes);
    assert.equal(offline.name, upstream.name);
    assert.equal(offline.networking.disableDefaultCNI, true);
    const patch = parse(offline.kubeadmConfigPatches[0]!) as { kind: string; imageRepository: string; etcd: { local: { imageRepository: string; imageTag: string } } };
    assert.equal(patch.kind, 'ClusterConfiguration');
    assert.equal(patch.imageRepository, 'capbench.local');
    assert.deepEqual(patch.etcd.local, { imageRepository: 'capbench.local', imageTag: 'bookworm' });
  });

  it('clusters/kind/metrics-server.yaml runs with --kubelet-insecure-tls', () => {
    const text = readFileSync(KIND_METRICS_SERVER, 'utf8');
    assert.match(text, /- --kubelet-insecure-tls/);
    assert.match(text, /metrics-server:v0\.7\./);
  });
});

// minikube: minikube-driver.test.ts

describe('local-k8s preset', () => {
  it('runs the clusters/local-k8s scripts with bash and argument arrays', async () => {
    const runner = new FakeRunner((_f, args) =>
      args[0]!.endsWith('node.sh') && args[1] === 'status'
        ? { stdout: 'name=127.0.0.2 kubelet=up containerd=up ready=True\nname=127.0.0.3 kubelet=down containerd=down ready=Unknown\n' }
        : args[0]!.endsWith('status.sh')
          ? { stdout: 'KUBECONFIG=/x/kubeconfig\nCONTEXT=capbench-local-k8s\nAPI=up\nNODES_READY=3/3\n' }
          : undefined,
    );
    const d = new LocalK8sDriver(runner);
    await d.crash('127.0.0.3');
    await d.restore('127.0.0.3');
    await d.loadImages(['capbench/app:v1'], quiet);
    assert.deepEqual(await d.machinesDown(), ['127.0.0.3']);
    assert.equal(await d.kubeconfig(), '/x/kubeconfig');
    assert.deepEqual((await d.status()).up, true);
    assert.deepEqual(runner.calls.slice(0, 4).map((c) => [c.file, ...c.args]), [
      ['bash', `${LOCAL_K8S_DIR}node.sh`, 'crash', '127.0.0.3'],
      ['bash', `${LOCAL_K8S_DIR}node.sh`, 'restore', '127.0.0.3'],
      ['bash', `${LOCAL_K8S_DIR}load-image.sh`, 'capbench/app:v1'],
      ['bash', `${LOCAL_K8S_DIR}node.sh`, 'status'],
    ]);
  });

  it('the kubeconfig falls back to the state directory, CAPBENCH_K8S_STATE from the injected env when given', async () => {
    const silent = new FakeRunner(() => ({ code: 1, stdout: 'API=down\n' }));
    assert.equal(await new LocalK8sDriver(silent).kubeconfig(), `${LOCAL_K8S_STATE}/kubeconfig`);
    assert.equal(await presetDriver('local-k8s', silent, recordingApplier(), { CAPBENCH_K8S_STATE: '/tmp/k8s-state' }).kubeconfig(), '/tmp/k8s-state/kubeconfig');
    assert.equal(await driverForContext('capbench-local-k8s', silent, recordingApplier(), {})!.kubeconfig(), `${LOCAL_K8S_STATE}/kubeconfig`);
  });

  it('cluster up = up.sh, images built and loaded; down = down.sh', async () => {
    const runner = new FakeRunner();
    await clusterUp('local-k8s', quiet, { runner });
    await clusterDown('local-k8s', quiet, { runner });
    assert.deepEqual(runner.calls.map((c) => [c.file, ...c.args]), [
      ['bash', `${LOCAL_K8S_DIR}up.sh`],
      ['bash', IMAGES_BUILD],
      ['bash', `${LOCAL_K8S_DIR}load-image.sh`, 'capbench/app:v1'],
      ['bash', `${LOCAL_K8S_DIR}status.sh`],
      ['bash', `${LOCAL_K8S_DIR}down.sh`],
    ]);
  });

  it('parseLocalK8sNodeStatus', () => {
    assert.deepEqual(parseLocalK8sNodeStatus('name=127.0.0.2 kubelet=up containerd=down ready=False\n\n'), [{ name: '127.0.0.2', kubelet: true, containerd: false, ready: 'False' }]);
  });
});

describe('cluster command', () => {
  it('unknown preset lists the valid ones', async () => {
    await assert.rejects(clusterUp('k3d', quiet, { runner: new FakeRunner() }), /unknown cluster preset "k3d"; valid: local-k8s, kind, minikube/);
  });
});

describe('driverForContext', () => {
  it('knows kind-*, minikube and capbench-local-k8s; nothing else', () => {
    const r = new FakeRunner();
    const a = recordingApplier();
    assert.equal(driverForContext('kind-dev', r, a)?.preset, 'kind');
    assert.equal((driverForContext('kind-dev', r, a) as KindDriver).cluster, 'dev');
    assert.equal(driverForContext('minikube', r, a)?.preset, 'minikube');
    assert.equal(driverForContext('capbench-local-k8s', r, a)?.preset, 'local-k8s');
    assert.equal(driverForContext('prod', r, a), undefined);
    assert.equal(driverForContext('kind-', r, a), undefined);
  });
});

describe('kind crash idempotence', () => {
  it('killing an already stopped node container is fine; other failures are errors', async () => {
    await new KindDriver(new FakeRunner(() => ({ code: 1, stderr: 'Error response from daemon: Cannot kill container: capbench-worker: Container abc is not running' })), recordingApplier()).crash('capbench-worker');
    await assert.rejects(new KindDriver(new FakeRunner(() => ({ code: 1, stderr: 'No such container: x' })), recordingApplier()).crash('x'), /`docker kill x` must succeed/);
  });
});
