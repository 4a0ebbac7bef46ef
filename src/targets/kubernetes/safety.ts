/** Context names that are clearly local clusters capbench (or the user) can break freely. */
export function isLocalContext(context: string): boolean {
  return context.startsWith('kind-') || context === 'minikube' || context === 'capbench-local-k8s';
}

/**
 * May capbench do destructive things (crash a node, restart node processes) on this
 * context? Only on clusters it created, on clearly local contexts (kind-*, minikube,
 * capbench-local-k8s), or when the user said so with --allow-destructive.
 */
export function destructiveAllowed(context: string, o: { createdByCapbench: boolean; allowDestructive: boolean }): boolean {
  return o.createdByCapbench || o.allowDestructive || isLocalContext(context);
}
