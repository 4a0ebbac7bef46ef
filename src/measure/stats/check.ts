/**
 * Input checks shared by the statistics: bad input is a programming error of the caller
 * (the run or report passed something that is not a sample), so it throws HarnessError
 * with code `internal`, in the one message shape of model/errors.
 */
import { HarnessError, mustBe } from '../../model/errors.ts';

/** Throws unless `values` is a non-empty array of finite numbers. */
export function checkSample(where: string, what: string, values: readonly number[]): void {
  if (values.length === 0) throw new HarnessError(mustBe(where, what, 'at least one value', values), { code: 'internal' });
  const bad = values.find((v) => !Number.isFinite(v));
  if (bad !== undefined) throw new HarnessError(mustBe(where, `every value of ${what}`, 'a finite number', bad), { code: 'internal' });
}

/** Throws unless 0 < confidence < 1. */
export function checkConfidence(where: string, confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new HarnessError(mustBe(where, 'confidence', 'between 0 and 1 (e.g. 0.95)', confidence), { code: 'internal' });
}

/** Ascending copy. */
export function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}
