import { HarnessError, unknownName } from '../model/index.ts';
import { BuiltinDriver } from './builtin/builtin-driver.ts';
import type { LoadDriver } from './driver.ts';

export const driverChoices = ['auto', 'k6', 'builtin'] as const;
export type DriverChoice = (typeof driverChoices)[number];

/** `--driver auto|k6|builtin`: auto = k6 when found, else builtin. */
export async function selectDriver(choice: string, o: { harnessVersion: string; env: NodeJS.ProcessEnv; log: (l: string) => void }): Promise<LoadDriver> {
  if (!(driverChoices as readonly string[]).includes(choice)) throw unknownName('--driver', 'driver', choice, driverChoices);
  const builtin = new BuiltinDriver(o.harnessVersion);
  if (choice === 'builtin') return builtin;
  throw new HarnessError(`--driver ${choice}: k6 driver must be available (got: not built yet)`, { code: 'missingEnvironment', hint: 'use --driver builtin' });
}
