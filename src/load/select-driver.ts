import { ExitCode, HarnessError, unknownName } from '../model/index.ts';
import { BuiltinDriver } from './builtin/builtin-driver.ts';
import type { LoadDriver } from './driver.ts';
import { findK6 } from './k6/find-k6.ts';
import { k6Outputs } from './k6/k6-args.ts';
import { K6Driver } from './k6/k6-driver.ts';

export const driverChoices = ['auto', 'k6', 'builtin'] as const;
export type DriverChoice = (typeof driverChoices)[number];

export interface SelectDriverOptions {
  harnessVersion: string;
  env: NodeJS.ProcessEnv;
  log: (l: string) => void;
  /** `--k6-out` values: extra k6 outputs beside K6_OUT's; they need the k6 driver */
  k6Outputs?: readonly string[];
}

/**
 * `--driver auto|k6|builtin`: auto = k6 when found (K6_BIN, then PATH, then capbench's k6
 * cache), else builtin. Logs which driver and which k6 (path, version, where it was found).
 * Throws HarnessError before anything starts: an unknown name (usage), k6 asked for but
 * unusable (missingEnvironment), `--k6-out` without k6 (usage), a K6_* variable that would
 * change the load (badConfig).
 */
export async function selectDriver(choice: string, o: SelectDriverOptions): Promise<LoadDriver> {
  if (!(driverChoices as readonly string[]).includes(choice)) throw unknownName('--driver', 'driver', choice, driverChoices);
  const flags = o.k6Outputs ?? [];
  const builtin = new BuiltinDriver(o.harnessVersion);
  const noK6Outputs = (why: string): HarnessError =>
    new HarnessError(`--k6-out: must go with the k6 driver (got ${why})`, { code: 'usage', hint: 'drop --k6-out, or run with --driver k6 (npx capbench targets says whether k6 is found)' });
  if (choice === 'builtin') {
    if (flags.length > 0) throw noK6Outputs('--driver builtin');
    return builtin;
  }
  try {
    const k6 = await findK6({ env: o.env });
    // warm-up uses the builtin driver: it is not measured, and it saves a k6 start
    const driver = new K6Driver({ findK6: async () => k6, env: o.env, outputs: flags, warmUp: (w) => builtin.warmUp(w) });
    const outs = k6Outputs(o.env, flags);
    o.log(`driver: k6 (${k6.version.line} at ${k6.path}, from ${k6.source === 'cache' ? "capbench's k6 cache" : k6.source})${outs.length > 0 ? `; your k6 outputs: ${outs.join(', ')}` : ''}`);
    return driver;
  } catch (e) {
    if (choice === 'k6' || !(e instanceof HarnessError) || e.exitCode !== ExitCode.missingEnvironment) throw e;
    if (flags.length > 0) throw noK6Outputs(`no usable k6: ${e.message.split('\n')[0]}`);
    o.log(`driver: builtin (k6 not used: ${e.message.split('\n')[0]})`);
    return builtin;
  }
}
