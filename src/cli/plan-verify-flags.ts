/** `capbench plan`'s --verify flags, and every check of them that needs no plan (before anything starts). */
import { HarnessError } from '../model/index.ts';
import { checkOutDir } from './run-flags.ts';

export interface VerifyFlags {
  verify?: boolean;
  target?: string;
  verifyUsers?: number;
  quick?: boolean;
  timeScale?: number;
  verifyOut: string;
  /** auto | k6 | builtin; default the driver the plan's capacity runs used */
  driver?: string;
  users: number[];
}

/** Every check of the --verify flags that needs no plan. Throws HarnessError (usage, exit 2) naming the flag. */
export function checkVerifyFlags(f: VerifyFlags, cwd: string): void {
  const needsVerify = (flag: string): never => {
    throw new HarnessError(`${flag}: must go with --verify (got ${flag} without it)`, { code: 'usage', hint: `add --verify, or drop ${flag}` });
  };
  if (!f.verify) {
    if (f.target !== undefined) needsVerify('--target');
    if (f.verifyUsers !== undefined) needsVerify('--verify-users');
    if (f.quick) needsVerify('--quick');
    if (f.timeScale !== undefined) needsVerify('--time-scale');
    if (f.driver !== undefined) needsVerify('--driver');
    return;
  }
  if (f.target === undefined) {
    throw new HarnessError('--verify: must name the target to measure on with --target T (got no --target)', { code: 'usage', hint: 'e.g. npx capbench plan reports/<capacity-run> --users 100 --verify --target local --quick' });
  }
  if (f.verifyUsers !== undefined && !f.users.includes(f.verifyUsers)) {
    throw new HarnessError(`--verify-users: must be one of --users ${f.users.join(',')} (got ${f.verifyUsers})`, { code: 'usage', hint: `e.g. --verify-users ${f.users[0]}` });
  }
  if (f.quick && f.timeScale !== undefined && f.timeScale > 1) {
    throw new HarnessError(`--time-scale: must be ≤ 1 with --quick (got ${f.timeScale})`, { code: 'usage', hint: 'drop --quick, or pass --time-scale 1 or less' });
  }
  checkOutDir('--verify-out', f.verifyOut, cwd);
}
