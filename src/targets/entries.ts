/**
 * How users' requests enter each target, as its description names it (`entry`), so the
 * report shows whether two targets met the same kind of balancer: an L4 entry balances
 * per connection and cannot retry; an L7 one balances per request, may health-check and
 * retry. Keep these true to clusters/images/lb/haproxy.cfg, src/targets/local/rr-proxy.cjs
 * and clusters/k8s/service.yaml.
 */
export const TARGET_ENTRY = {
  nodePort: 'L4: Service NodePort via kube-proxy — a pod per connection, pods leave when their endpoints are removed, no retries',
  haproxy: 'L7: HAProxy — a replica per request, health checks every 1 s, a failed connection retried once on another replica',
  localProxy: 'L7: round-robin proxy — a replica per request, health checks every 0.5 s, no retries',
} as const;
