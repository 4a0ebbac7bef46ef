/**
 * How users' requests enter each target, as its description names it (`entry`), so the
 * report shows whether two targets met the same kind of balancer: an L4 entry balances
 * per connection and cannot retry; an L7 one balances per request, may health-check and
 * retry. Keep these true to clusters/images/lb/haproxy.cfg, src/targets/local/rr-proxy.cjs,
 * clusters/k8s/service.yaml and clusters/k8s/ingress/haproxy.cfg.
 */
export const TARGET_ENTRY = {
  nodePort: 'L4: Service NodePort via kube-proxy — a pod per connection, pods leave when their endpoints are removed, no retries',
  haproxy: 'L7: HAProxy — a replica per request, health checks every 1 s, a failed connection retried once on another replica',
  ingress: "L7: HAProxy in the cluster (--k8s-entry ingress) — a pod per request, health checks to each pod every 1 s (down after 2 failures), a failed connection retried once on another pod; pods join and leave with the Service's endpoints",
  localProxy: 'L7: round-robin proxy — a replica per request, health checks every 0.5 s, no retries',
} as const;

/**
 * How users' traffic enters a Kubernetes target (`--k8s-entry`): `nodeport` = the app
 * Service's NodePort (kube-proxy, L4); `ingress` = HAProxy in the cluster (L7), as Compose's.
 */
export const k8sEntries = ['nodeport', 'ingress'] as const;
export type K8sEntry = (typeof k8sEntries)[number];
