import type { FaultSchedule } from '../../scenarios/lib/index.ts';
import { FaultScheduler } from '../faults/index.ts';
import { HarnessError, type TargetRun } from '../model/index.ts';
import { parseTargetList, type TargetName, type TargetOptions } from '../targets/registry.ts';
import type { Target } from '../targets/target.ts';
import type { RunListener } from './progress-events.ts';

/** Makes a target by registry name (default: the registry's createTarget; tests pass fakes). */
export type TargetFactory = (name: TargetName, o: TargetOptions) => Promise<Target>;

export interface PreparedTargets {
  /** usable, capable and clean, in the order given */
  targets: Target[];
  /** `auto` passed over these: recorded in run.json as skipped */
  skipped: TargetRun[];
}

/**
 * Everything is checked before anything starts: each target is usable here (else skipped
 * under `auto`, refused otherwise), offers what the faults need, and has no leftovers of an
 * earlier run. Throws HarnessError (usage / missingEnvironment) naming the target.
 */
export async function prepareTargets(spec: string, faults: readonly FaultSchedule[], o: { create: TargetFactory; targetOptions: TargetOptions; emit: RunListener }): Promise<PreparedTargets> {
  const { names, auto } = parseTargetList(spec);
  const targets: Target[] = [];
  const skipped: TargetRun[] = [];
  for (const name of names) {
    const t = await o.create(name, o.targetOptions);
    const u = await t.probe();
    if (!u.usable) {
      if (!auto) throw new HarnessError(`--target ${name}: must be usable here (got: ${u.reason})`, { code: 'missingEnvironment', ...(u.hint ? { hint: u.hint } : {}) });
      o.emit({ kind: 'target-skipped', target: name, reason: u.reason });
      skipped.push({ name, kind: t.kind, status: 'skipped', requestedBy: 'auto', error: u.reason, description: {}, versions: {}, faults: [], notes: [] });
      continue;
    }
    FaultScheduler.check(faults, t.capabilities(), name);
    const left = await t.leftovers();
    if (left.length > 0) {
      throw new HarnessError(`${name}: must be clean before a run (got leftovers of an earlier run: ${left.join('; ')})`, {
        code: 'missingEnvironment',
        hint: 'run `npx capbench cleanup` to restore nodes and remove them',
      });
    }
    targets.push(t);
  }
  if (targets.length === 0) throw new HarnessError(`--target ${spec}: no target is usable here`, { code: 'missingEnvironment', hint: 'run `npx capbench targets` to see why' });
  return { targets, skipped };
}
