import { HarnessError, unknownName } from '../model/index.ts';
import { BuiltinDriver } from './builtin/builtin-driver.ts';
import type { LoadDriver } from './driver.ts';
import { findK6 } from './k6/find-k6.ts';
import { K6Driver } from './k6/k6-driver.ts';

export const driverChoices = ['auto', 'k6', 'builtin'] as const;
export type DriverChoice = (typeof driverChoices)[number];

/** `--driver auto|k6|builtin`: auto = k6 when found (K6_BIN, then PATH), else builtin. */
export async function selectDriver(choice: string, o: { harnessVersion: string; env: NodeJS.ProcessEnv; log: (l: string) => void }): Promise<LoadDriver> {
  if (!(driverChoices as readonly string[]).includes(choice)) throw unknownName('--driver', 'driver', choice, driverChoices);
  const builtin = new BuiltinDriver(o.harnessVersion);
  if (choice === 'builtin') return builtin;
  try {
    const k6 = await findK6({ env: o.env });
    o.log(`driver: k6 (${k6.version.line} at ${k6.path})`);
    // warm-up uses the builtin driver: it is not measured, and it saves a k6 start
    return new K6Driver({ findK6: async () => k6, env: o.env, warmUp: (w) => builtin.warmUp(w) });
  } catch (e) {
    if (choice === 'k6') throw e;
    const why = e instanceof HarnessError ? e.message : String(e);
    o.log(`driver: builtin (k6 not used: ${why.split('\n')[0]})`);
    return builtin;
  }
}
