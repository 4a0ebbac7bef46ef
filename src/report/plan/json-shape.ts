/**
 * Checks parsed JSON against a declared shape, for files the report reads back (plan.json):
 * the first mismatch as `<path> must be <expected> (got <actual>)`. Only what the shape names
 * is checked; other fields pass through untouched. Pure.
 */

/** What a value must be. `?` variants also accept null; `opt` lets a field be absent. */
export type Shape =
  | 'number' | 'number?' | 'string' | 'string?' | 'boolean' | 'boolean?' | 'unknown'
  | { list: Shape }
  | { fields: Record<string, Shape> }
  | { oneOf: readonly string[] }
  | { opt: Shape }
  | { nullable: Shape }
  | { tuple: readonly Shape[] };

/** A value that does not fit its shape; `message` names the path. */
export class ShapeError extends Error {}

const got = (v: unknown): string => (v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v)).slice(0, 60));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(path: string, expected: string, v: unknown): never {
  throw new ShapeError(`${path} must be ${expected} (got ${got(v)})`);
}

/** Throws ShapeError at the first value of `v` that does not fit `shape`; `path` names `v`. */
export function checkShape(v: unknown, shape: Shape, path: string): void {
  if (typeof shape === 'string') {
    if (shape === 'unknown') return;
    const base = shape.replace('?', '');
    if (shape.endsWith('?') && v === null) return;
    if (base === 'number' ? typeof v === 'number' && Number.isFinite(v) : typeof v === base) return;
    fail(path, `${base === 'number' ? 'a finite number' : `a ${base}`}${shape.endsWith('?') ? ' or null' : ''}`, v);
  }
  if ('opt' in shape) {
    if (v !== undefined) checkShape(v, shape.opt, path);
    return;
  }
  if ('nullable' in shape) {
    if (v !== null && v !== undefined) checkShape(v, shape.nullable, path);
    return;
  }
  if ('oneOf' in shape) {
    if (typeof v === 'string' && shape.oneOf.includes(v)) return;
    fail(path, `one of ${shape.oneOf.join(', ')}`, v);
  }
  if ('list' in shape) {
    if (!Array.isArray(v)) fail(path, 'a list', v);
    v.forEach((x, i) => checkShape(x, shape.list, `${path}[${i}]`));
    return;
  }
  if ('tuple' in shape) {
    if (!Array.isArray(v) || v.length !== shape.tuple.length) fail(path, `a list of ${shape.tuple.length}`, v);
    shape.tuple.forEach((s, i) => checkShape(v[i], s, `${path}[${i}]`));
    return;
  }
  if (!isObject(v)) fail(path, 'an object', v);
  for (const [k, s] of Object.entries(shape.fields)) checkShape(v[k], s, `${path}.${k}`);
}
