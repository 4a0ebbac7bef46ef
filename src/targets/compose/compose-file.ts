import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { HarnessError, mustBe } from '../../model/index.ts';

/** What the harness needs to know of a compose file's app service. */
export interface ComposeFileFacts {
  /** replicas of the app service: deploy.replicas, else scale, else 1 */
  replicas: number;
  /** CPU limit per replica (service `cpus` or deploy.resources.limits.cpus); null = unlimited */
  cpusPerReplica: number | null;
  /** memory limit per replica as written (`256m`); null = unlimited */
  memoryPerReplica: string | null;
  /** image of the app service as written (may contain ${…}) */
  image: string | null;
  /** services of the file */
  services: string[];
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A number, or a string holding one, or `${VAR:-<number>}` (its default). */
function numberOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string') return null;
  const m = /^\s*(?:\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}|([^$]*))\s*$/.exec(v);
  const s = m?.[1] ?? m?.[2];
  if (s === undefined || s.trim() === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/**
 * Reads the facts of `service` from a compose file. Throws HarnessError (badConfig) when
 * the file cannot be read or has no such service.
 */
export function readComposeFile(file: string, service: string): ComposeFileFacts {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new HarnessError(`${file}: must be a readable YAML compose file (got ${(err as Error).message})`, {
      code: 'badConfig',
      hint: 'pass a compose file that exists (see clusters/compose/README.md), or omit --compose-file',
      cause: err,
    });
  }
  const services = record(record(doc)?.['services']);
  const svc = record(services?.[service]);
  if (services === undefined || svc === undefined) {
    throw new HarnessError(mustBe(file, 'services', `a map with service "${service}"`, Object.keys(services ?? {})), {
      code: 'badConfig',
      hint: 'the app service must be called "api" and sit behind a port published on 127.0.0.1 (see clusters/compose/README.md)',
    });
  }
  const deploy = record(svc['deploy']);
  const limits = record(record(deploy?.['resources'])?.['limits']);
  const replicas = numberOf(deploy?.['replicas']) ?? numberOf(svc['scale']) ?? 1;
  const cpus = numberOf(svc['cpus']) ?? numberOf(limits?.['cpus']);
  const mem = svc['mem_limit'] ?? limits?.['memory'];
  return {
    replicas,
    cpusPerReplica: cpus,
    memoryPerReplica: typeof mem === 'string' || typeof mem === 'number' ? String(mem) : null,
    image: typeof svc['image'] === 'string' ? svc['image'] : null,
    services: Object.keys(services),
  };
}
