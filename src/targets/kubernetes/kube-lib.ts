import { createRequire } from 'node:module';
import { HarnessError } from '../../model/index.ts';

export type K8sLib = typeof import('@kubernetes/client-node');

let loading: Promise<K8sLib> | null = null;

function loadError(e: unknown): HarnessError {
  return new HarnessError(`kubernetes: @kubernetes/client-node must load on Node ${process.version} (got ${e instanceof Error ? e.message : String(e)})`, {
    code: 'missingEnvironment',
    hint: 'its nested undici 8 needs Node >= 22.19: add "overrides": { "@kubernetes/client-node": { "undici": "$undici" } } to package.json and run npm install (undici 7 works), or use Node 22',
    cause: e,
  });
}

/**
 * @kubernetes/client-node, loaded on first use rather than at import. Its HTTP client
 * (undici) is required first, synchronously: undici 8 throws while loading on
 * Node < 22.19, and through an ESM import that failure also escapes as an uncaught
 * exception — it must instead make the Kubernetes targets unusable with a reason.
 */
export function k8s(): Promise<K8sLib> {
  if (loading) return loading;
  try {
    const entry = createRequire(import.meta.url).resolve('@kubernetes/client-node');
    createRequire(entry)('undici');
  } catch (e) {
    return Promise.reject(loadError(e));
  }
  loading = import('@kubernetes/client-node').catch((e: unknown) => {
    loading = null;
    throw loadError(e);
  });
  return loading;
}
