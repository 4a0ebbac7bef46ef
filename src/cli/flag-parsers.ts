/** commander parsers of the CLI's number flags: each error names the flag, the range and the value. */
import { InvalidArgumentError } from 'commander';

/**
 * commander parser of a bounded number flag. The message names the flag, the range and the
 * value; `hint` says what to pass instead. Commander prints it and main() exits 2.
 */
export function number(flag: string, min: number, max: number, hint: string, o: { integer?: boolean } = {}) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max || (o.integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`${flag} must be ${o.integer ? 'an integer' : 'a number'} in [${min}, ${max}] (got ${JSON.stringify(v)})\nhint: ${hint}`);
    }
    return n;
  };
}

/** commander parser of a comma-separated list of numbers > 0 (e.g. --users 100,1000). */
export function numberList(flag: string) {
  return (v: string): number[] => {
    const parts = v.split(',').map((p) => p.trim());
    const bad = parts.find((p) => p === '' || !Number.isFinite(Number(p)) || Number(p) <= 0);
    if (bad !== undefined) throw new InvalidArgumentError(`${flag} must be comma-separated numbers > 0 (got ${JSON.stringify(v)})\nhint: e.g. ${flag} 100,1000`);
    return parts.map(Number);
  };
}
