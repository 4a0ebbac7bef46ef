/**
 * What minikube and Docker print, for the fake runner to replay. minikube cannot run on the
 * machine these were made on, so they are reconstructed from minikube's own sources (the
 * snapshot of kubernetes/minikube read for issue 14, after v1.38), not captured from a run:
 *  - `status -o json`: statusJSON() in cmd/minikube/cmd/status.go marshals cluster.Status
 *    (pkg/minikube/cluster/status.go: Name, Host, Kubelet, APIServer, Kubeconfig, Worker) —
 *    ONE OBJECT for a single node ("backwards compat"), an ARRAY for several; workers carry
 *    APIServer/Kubeconfig "Irrelevant"; the exit code is a bit set (exitCode(): 1 host, 2
 *    cluster, 4 kubeconfig not OK); stdout only.
 *  - a missing profile under `-o json`: mustload.Partial() prints, as JSON cloud events on
 *    stdout (out.SetJSON), `Profile "capbench" not found…` and the `minikube start -p` tip,
 *    then exits 85 (ExGuestNotFound).
 *  - `start` with the docker driver as root: validateUser() in cmd/minikube/cmd/start.go
 *    writes three lines to stderr, then exit.Message(reason.DrvAsRoot) "Exiting due to
 *    DRV_AS_ROOT: …" with exit 57 (ExDriverPermission); with --force it carries on.
 *  - `start --ports P` on several nodes: registry/drvs/docker configure() adds `-p P` to every
 *    node's container, so Docker refuses the second node's port ("port is already allocated").
 * The cloud events' ids are fixed here (minikube makes a UUID per event).
 */
import type { FakeReply } from './fake-runner.ts';

const node = (name: string, worker: boolean, up = true) => ({
  Name: name,
  Host: up ? 'Running' : 'Stopped',
  Kubelet: up ? 'Running' : 'Stopped',
  APIServer: worker ? 'Irrelevant' : up ? 'Running' : 'Stopped',
  Kubeconfig: worker ? 'Irrelevant' : up ? 'Configured' : 'Misconfigured',
  Worker: worker,
});

const event = (id: string, message: string): string =>
  JSON.stringify({ specversion: '1.0', id, source: 'https://minikube.sigs.k8s.io/', type: 'io.k8s.sigs.minikube.info', datacontenttype: 'application/json', data: { message } });

export const minikubeRecordings = {
  /** `minikube status -p capbench -o json`, three nodes running: an array, exit 0 */
  statusThreeNodes: { code: 0, stdout: JSON.stringify([node('capbench', false), node('capbench-m02', true), node('capbench-m03', true)]), stderr: '' },
  /** …with worker m02 stopped (`minikube node stop`): exit 1|2 = 3 */
  statusWorkerStopped: { code: 3, stdout: JSON.stringify([node('capbench', false), node('capbench-m02', true, false), node('capbench-m03', true)]), stderr: '' },
  /** a single-node profile: one object, not an array */
  statusOneNode: { code: 0, stdout: JSON.stringify(node('capbench', false)), stderr: '' },
  /** no profile `capbench`: JSON events on stdout, exit 85 */
  statusNoProfile: {
    code: 85,
    stdout: `${event('3f1c2a5e-0000-4000-8000-000000000001', 'Profile "capbench" not found. Run "minikube profile list" to view all profiles.')}\n${event('3f1c2a5e-0000-4000-8000-000000000002', 'To start a cluster, run: "minikube start -p capbench"')}\n`,
    stderr: '',
  },
  /** `minikube start … --driver docker` as root without --force */
  startAsRoot: {
    code: 57,
    stdout: '',
    stderr: [
      '🛑  The "docker" driver should not be used with root privileges. If you wish to continue as root, use --force.',
      '💡  If you are running minikube within a VM, consider using --driver=none:',
      '📘    https://minikube.sigs.k8s.io/docs/reference/drivers/none/',
      '',
      '❌  Exiting due to DRV_AS_ROOT: The "docker" driver should not be used with root privileges.',
      '',
    ].join('\n'),
  },
  /** `docker inspect --format {{.State.Running}} <forwarder>` */
  forwarderRunning: { code: 0, stdout: 'true\n', stderr: '' },
  forwarderMissing: { code: 1, stdout: '\n', stderr: 'Error: No such object: capbench-capbench-forward\n' },
} satisfies Record<string, FakeReply>;
