/**
 * Golden files of the report tests (src/report/golden/): `actual` must equal the checked-in
 * file; `UPDATE_GOLDEN=1` rewrites it; a missing file is written and the test fails once.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GOLDEN = fileURLToPath(new URL('../report/golden/', import.meta.url));

export function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
    if (process.env['UPDATE_GOLDEN'] !== '1') assert.fail(`${file} did not exist; written now — check it in and re-run`);
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from the golden file; if intended, re-run with UPDATE_GOLDEN=1`);
}
