/**
 * `--replicas 1,2,4`: the replica counts the capacity scenario probes, in order. Checked
 * before anything starts; the most each target allows is checked once the targets are known
 * (src/run/capacity-probe.ts), the most any target allows here.
 */
import { HarnessError } from '../model/index.ts';

/** The most replicas any target allows (Compose and Kubernetes: 32; local: 16). */
export const MAX_REPLICAS_ANY_TARGET = 32;

/** Parses `--replicas`. Throws HarnessError (usage, exit 2) naming the flag, the value and the limit. */
export function parseReplicas(text: string): number[] {
  const hint = 'e.g. --replicas 1,2,4 (whole counts, each once, rising order not required)';
  const bad = (what: string): never => {
    throw new HarnessError(`--replicas: ${what} (got ${JSON.stringify(text)})`, { code: 'usage', hint });
  };
  const parts = text.split(',').map((p) => p.trim());
  if (text.trim() === '' || parts.some((p) => p === '')) bad('must be a comma-separated list of replica counts, none empty');
  const out: number[] = [];
  for (const p of parts) {
    const n = Number(p);
    if (!/^[+-]?\d+$/.test(p) || !Number.isSafeInteger(n)) bad(`${p} must be a whole number`);
    if (n <= 0) bad(`${p} must be ≥ 1`);
    if (n > MAX_REPLICAS_ANY_TARGET) bad(`${p} must be ≤ ${MAX_REPLICAS_ANY_TARGET}, the most any target allows (local: 16)`);
    if (out.includes(n)) bad(`${p} must appear once`);
    out.push(n);
  }
  return out;
}
