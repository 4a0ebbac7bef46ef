import { HarnessError } from '../../model/index.ts';

/** API versions this server serves for the objects whose version differs across releases. */
export interface ApiVersions {
  hpa: 'autoscaling/v2' | 'autoscaling/v2beta2';
  pdb: 'policy/v1' | 'policy/v1beta1';
}

/** The part of `GET /apis` (V1APIGroupList) that discovery reads. */
export interface ApiGroupList {
  groups: Array<{ name: string; versions: Array<{ groupVersion: string }> }>;
}

/**
 * Pick the HPA and PDB versions from the server's group list: autoscaling/v2 else
 * v2beta2 (the first with `behavior`, 1.18+); policy/v1 else v1beta1 (1.20 has only
 * v1beta1). Throws when the server has neither HPA version.
 */
export function pickApiVersions(list: ApiGroupList, where = 'kubernetes'): ApiVersions {
  const served = (group: string): string[] => list.groups.find((g) => g.name === group)?.versions.map((v) => v.groupVersion) ?? [];
  const autoscaling = served('autoscaling');
  const policy = served('policy');
  const hpa = autoscaling.includes('autoscaling/v2') ? 'autoscaling/v2' : autoscaling.includes('autoscaling/v2beta2') ? 'autoscaling/v2beta2' : null;
  if (hpa === null) {
    throw new HarnessError(`${where}: the API server must serve autoscaling/v2 or autoscaling/v2beta2 (got ${autoscaling.join(', ') || 'no autoscaling group'})`, {
      code: 'missingEnvironment',
      hint: 'use a Kubernetes 1.18 or newer cluster',
    });
  }
  const pdb = policy.includes('policy/v1') ? 'policy/v1' : 'policy/v1beta1';
  return { hpa, pdb };
}
