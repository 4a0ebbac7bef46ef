import type { KubeConfig, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { HarnessError } from '../../model/index.ts';
import type { ClusterDriver, PresetName } from './cluster-drivers.ts';
import { KubeClient, errText, loadKubeConfig } from './kube-client.ts';
import { APP_NAME, appSelector } from './manifests.ts';
import { podReady } from './platform-view.ts';

export interface KubeRunOptions {
  /** target name, for messages */
  name: string;
  /** a preset capbench creates clusters for */
  preset: PresetName | undefined;
  /** the kubeconfig context (undefined: plain target without --context) */
  context: string | undefined;
  driver: ClusterDriver | undefined;
  /** `--base-url`: users' traffic goes there (an ingress, a LoadBalancer, a port-forward), not to the NodePort */
  baseUrl?: string;
}

/** `name Phase ready on node (waiting reasons) (unschedulable: …)` for error messages */
export function podLine(p: V1Pod): string {
  const waiting = p.status?.containerStatuses?.map((c) => c.state?.waiting?.reason ?? c.state?.terminated?.reason).filter(Boolean) ?? [];
  const unsched = p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  return `${p.metadata?.name} ${p.status?.phase ?? '?'}${podReady(p) ? ' ready' : ' not-ready'} on ${p.spec?.nodeName ?? '-'}${waiting.length ? ` (${waiting.join(', ')})` : ''}${unsched ? ` (unschedulable: ${unsched.message ?? unsched.reason})` : ''}`;
}

/**
 * One run on a cluster: the API client of the context (made on first use) and the run's
 * namespace, NodePort and discovered HPA version once deployed. Deploy, nodes, workloads,
 * replicas, leftovers and the sampler all work through it.
 */
export class KubeRun {
  runId = '';
  namespace = '';
  port = 0;
  hpaApiVersion = '';
  /** `--k8s-entry ingress`: the node HAProxy runs on, which node crashes leave alone ('' = none) */
  entryNode = '';
  /** `--k8s-entry ingress`: users' traffic goes to HAProxy's NodePort (`port`), not the app Service's */
  entryIsLb = false;
  log: (line: string) => void = () => undefined;
  private client: KubeClient | null = null;

  constructor(readonly o: KubeRunOptions) {}

  get name(): string {
    return this.o.name;
  }

  /** where users' traffic goes: `--base-url`, else the NodePort on 127.0.0.1 (after deploy) */
  get url(): string {
    return this.o.baseUrl ?? `http://127.0.0.1:${this.port}`;
  }

  /** `NodePort N`, `HAProxy NodePort N` or `--base-url URL`, for messages */
  get path(): string {
    return this.o.baseUrl === undefined ? `${this.entryIsLb ? 'HAProxy ' : ''}NodePort ${this.port}` : `--base-url ${this.o.baseUrl}`;
  }

  /** the client if one was made (teardown must not create one) */
  get existingClient(): KubeClient | null {
    return this.client;
  }

  private async kubeConfig(): Promise<KubeConfig> {
    const context = this.o.context;
    if (context === undefined) {
      throw new HarnessError('kubernetes: --context must name a kubeconfig context (got none)', { code: 'usage', hint: 'kubectl config get-contexts; then --target kubernetes --context NAME, or use --target local-k8s|kind|minikube' });
    }
    // a plain context is looked up in the default kubeconfig first; the preset's own file otherwise
    if (this.o.preset === undefined) {
      try {
        return await loadKubeConfig(context, undefined);
      } catch (e) {
        if (!this.o.driver) throw e;
      }
    }
    return loadKubeConfig(context, await this.o.driver?.kubeconfig());
  }

  async api(): Promise<KubeClient> {
    this.client ??= await KubeClient.create(await this.kubeConfig());
    return this.client;
  }

  /** forget the client (after a failed probe, so the next call tries again) */
  reset(): void {
    this.client = null;
  }

  async appPods(): Promise<V1Pod[]> {
    const c = await this.api();
    return (await c.core.listNamespacedPod({ namespace: this.namespace, labelSelector: appSelector(this.runId) })).items;
  }

  async readDeployment(): Promise<V1Deployment> {
    const c = await this.api();
    return c.apps.readNamespacedDeployment({ name: APP_NAME, namespace: this.namespace });
  }

  /** `context X (server URL)`, said before anything destructive */
  async where(): Promise<string> {
    try {
      const c = await this.api();
      return `context ${c.context} (server ${c.server})`;
    } catch (e) {
      return `context ${this.o.context ?? '?'} (server unknown: ${errText(e)})`;
    }
  }
}
