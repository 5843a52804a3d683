import { expect } from 'vitest';
import { InputError } from '../../src/shared/errors.js';

/** The InputError that fn throws; fails the test when fn throws something else or nothing. */
export function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError, none was thrown');
}

/** Whatever fn throws (an Error); fails the test when it throws nothing. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, none was thrown');
}
