/**
 * Shared pieces of the fuzz suite (issue 11): byte mutations and the one outcome every importer must have,
 * a result or an InputError that names the file, never another error and never a long stall.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { InputError } from '../../../src/shared/errors.js';

/** One edit of a file's bytes. */
export type ByteEdit =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number };

export const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
);

export function applyEdits(bytes: Uint8Array, edits: readonly ByteEdit[]): Uint8Array {
  let out = Uint8Array.from(bytes);
  for (const e of edits) {
    const at = e.at % (out.length + 1);
    if (e.kind === 'flip') {
      if (out.length > 0) out[at % out.length] = e.byte;
    } else if (e.kind === 'truncate') out = out.slice(0, at);
    else if (e.kind === 'insert') out = Uint8Array.from([...out.subarray(0, at), ...e.bytes, ...out.subarray(at)]);
    else out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + e.length)]);
  }
  return out;
}

/** Longest any one fuzz case may take: the inputs are a few KB, so anything near this is a hang. */
export const CASE_BUDGET_MS = 3000;

/**
 * Runs `fn`; passes when it returns, or when it throws an InputError each of whose problems names a file for
 * which `namesFile` holds. Anything else (a TypeError, a RangeError, a problem without a file, a long stall)
 * fails the property.
 */
export function expectResultOrInputError<T>(fn: () => T, namesFile: (file: string | undefined) => boolean): T | InputError {
  const start = performance.now();
  let outcome: T | InputError;
  try {
    outcome = fn();
  } catch (e) {
    if (!(e instanceof InputError)) throw new Error(`expected a result or an InputError, got ${String(e)}`, { cause: e });
    expect(e.problems.length).toBeGreaterThan(0);
    for (const p of e.problems) {
      if (!namesFile(p.file)) throw new Error(`InputError problem does not name the file: ${JSON.stringify(p)}`);
    }
    outcome = e;
  }
  expect(performance.now() - start).toBeLessThan(CASE_BUDGET_MS);
  return outcome;
}
